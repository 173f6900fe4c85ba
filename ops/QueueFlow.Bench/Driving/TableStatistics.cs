using Npgsql;

namespace QueueFlow.Bench.Driving;

/// <summary>
/// Brings the planner's statistics to where a service's are after it has run a while. The bench's database is new,
/// and plans made from no statistics, or from ones autovacuum happened to take in the first seconds of load, are not
/// the plans a long-running service runs: whether a run got them varied from run to run. Run after the warm-up, so
/// every table holds what it holds under load (the outbox: only the rows of messages in flight).
/// </summary>
internal static class TableStatistics
{
    public static async Task RefreshAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "VACUUM (ANALYZE) queueflow.jobs, queueflow.job_tasks, queueflow.job_history, queueflow.outbox, queueflow.status_count_changes");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
