using Npgsql;

namespace QueueFlow.Bench.Driving;

/// <summary>Sizes of the tables a job's hot path writes, read before and after the measured run to see whether they bloat.</summary>
internal static class TableSizes
{
    static readonly string[] Tables = ["jobs", "job_tasks", "job_history", "outbox"];

    public static async Task<IReadOnlyList<TableSize>> ReadAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT c.relname, pg_total_relation_size(c.oid), pg_indexes_size(c.oid)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'queueflow' AND c.relkind = 'r' AND c.relname = ANY(@tables)
            """);
        command.Parameters.AddWithValue("tables", Tables);
        var sizes = new Dictionary<string, TableSize>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                sizes[reader.GetString(0)] = new TableSize(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2));
        }

        return [.. Tables.Where(sizes.ContainsKey).Select(t => sizes[t])];
    }
}
