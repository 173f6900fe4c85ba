using Npgsql;

namespace QueueFlow.Chaos;

/// <summary>What QueueFlow's database says at the end of a run: the other half of the ledger.</summary>
internal sealed class DatabaseView
{
    public Dictionary<Guid, (string Status, DateTimeOffset? EndedAt)> Jobs { get; } = [];
    public List<HistoryRow> History { get; } = [];
    public List<(string Source, string Reason, int Count)> DeadLetters { get; } = [];
    public long OutboxRows { get; private set; }
    public long Triggers => TriggerNames.Count;

    /// <summary>Quartz trigger names left (<c>{job id}/{task}/{attempt id}/{kind}</c>, ids without hyphens).</summary>
    public List<string> TriggerNames { get; } = [];

    public static async Task<DatabaseView> ReadAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var view = new DatabaseView();
        await using (var command = dataSource.CreateCommand("SELECT id, status, ended_at FROM queueflow.jobs"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                view.Jobs[reader.GetGuid(0)] = (reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2));
        }

        await using (var command = dataSource.CreateCommand(
            "SELECT job_id, sequence, task_id, attempt_id, kind, \"from\", detail FROM queueflow.job_history WHERE attempt_id IS NOT NULL"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                view.History.Add(new HistoryRow(reader.GetGuid(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetGuid(3),
                    reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
            }
        }

        await using (var command = dataSource.CreateCommand(
            "SELECT source, left(reason, 160), count(*)::int FROM queueflow.dead_letters GROUP BY 1, 2 ORDER BY 3 DESC"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                view.DeadLetters.Add((reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
        }

        await using (var command = dataSource.CreateCommand("SELECT count(*) FROM queueflow.outbox"))
            view.OutboxRows = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        await using (var command = dataSource.CreateCommand("SELECT trigger_name FROM quartz.qrtz_triggers"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                view.TriggerNames.Add(reader.GetString(0));
        }

        return view;
    }

    /// <summary>Jobs not yet Completed, Failed or Cancelled, and outbox rows not yet sent.</summary>
    public static async Task<(long Unfinished, long OutboxRows)> PendingAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT (SELECT count(*) FROM queueflow.jobs WHERE status NOT IN ('Completed', 'Failed', 'Cancelled')), (SELECT count(*) FROM queueflow.outbox)");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
