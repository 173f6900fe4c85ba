using Npgsql;

namespace QueueFlow.Bench.Driving;

/// <summary>
/// Sizes of the tables a job's hot path writes, read before and after the measured run to see whether they bloat, and
/// how often they were scanned whole: the message path looks every row up by key, so scans are the relay's sweeps.
/// </summary>
internal static class TableSizes
{
    static readonly string[] Tables = ["jobs", "job_tasks", "job_history", "outbox"];

    public static async Task<IReadOnlyList<TableSize>> ReadAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT c.relname, pg_total_relation_size(c.oid), pg_indexes_size(c.oid), coalesce(s.seq_scan, 0)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
            WHERE n.nspname = 'queueflow' AND c.relkind = 'r' AND c.relname = ANY(@tables)
            """);
        command.Parameters.AddWithValue("tables", Tables);
        var sizes = new Dictionary<string, TableSize>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                sizes[reader.GetString(0)] = new TableSize(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        }

        return [.. Tables.Where(sizes.ContainsKey).Select(t => sizes[t])];
    }
}
