using System.Text.RegularExpressions;
using Npgsql;

namespace QueueFlow.Bench.Driving;

/// <summary>
/// Where PostgreSQL's time went, statement by statement: pg_stat_statements' counters for the bench's database, read
/// before and after the measured run and subtracted, so nothing is reset and the warm-up is left out. Execution time is
/// wall-clock time inside the server, so on a busy machine it includes waiting for a core; compare statements with each
/// other, not with the CPU figures. Null when the extension is not there (a server started before ops/provision loaded
/// the library) or not readable.
/// </summary>
internal sealed partial record StatementTimes(IReadOnlyDictionary<(long QueryId, bool TopLevel), StatementTime> Statements)
{
    public static async Task<StatementTimes?> ReadAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT s.queryid, s.toplevel, s.calls, s.total_exec_time, s.rows, s.query
            FROM pg_stat_statements AS s
            WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND s.queryid IS NOT NULL
            """);
        try
        {
            var statements = new Dictionary<(long, bool), StatementTime>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = (reader.GetInt64(0), reader.GetBoolean(1));
                // The text is null when the server dropped its file of query texts (it does when the file grows large).
                var query = reader.IsDBNull(5) ? "(query text not kept)" : Shorten(reader.GetString(5));
                statements[key] = new StatementTime(query, reader.GetInt64(2), reader.GetDouble(3), reader.GetInt64(4));
            }

            return new StatementTimes(statements);
        }
        catch (PostgresException)
        {
            // Not installed in this database, or the library not loaded: the report says "not measured".
            return null;
        }
    }

    /// <summary>What ran between the two readings, the longest first; statements that did not run are left out.</summary>
    public static IReadOnlyList<StatementTime> Between(StatementTimes before, StatementTimes after) =>
    [
        .. after.Statements
            .Select(s => before.Statements.TryGetValue(s.Key, out var earlier) ? s.Value - earlier : s.Value)
            .Where(s => s.Calls > 0)
            .OrderByDescending(s => s.Milliseconds),
    ];

    static string Shorten(string query) => Whitespace().Replace(query, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

/// <summary>One statement's calls, execution milliseconds and rows.</summary>
internal sealed record StatementTime(string Query, long Calls, double Milliseconds, long Rows)
{
    public static StatementTime operator -(StatementTime after, StatementTime before) =>
        after with { Calls = after.Calls - before.Calls, Milliseconds = after.Milliseconds - before.Milliseconds, Rows = after.Rows - before.Rows };
}
