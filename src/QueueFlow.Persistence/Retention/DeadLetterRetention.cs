using QueueFlow.Core.Telemetry;
using QueueFlow.Persistence.DeadLetters;

namespace QueueFlow.Persistence.Retention;

/// <summary>
/// Deletes the dead letters replayed or discarded before the cutoff (<see cref="RetentionOptions.ResolvedDeadLetters"/>),
/// a batch per transaction. A Pending one is never deleted, however old: it is work for an operator. A replayed one whose
/// message fails again after its row was deleted is captured anew, as a message seen for the first time.
/// </summary>
public static class DeadLetterRetention
{
    // Rows an operator is resolving at this moment (locked by a replay or discard) are skipped until the next sweep.
    private static readonly string DeleteBatch = $"""
        WITH doomed AS (
            SELECT id FROM {QueueFlowDbContext.Schema}.dead_letters
            WHERE status = ANY(@statuses) AND resolved_at < @cutoff
            LIMIT @batch
            FOR UPDATE SKIP LOCKED)
        DELETE FROM {QueueFlowDbContext.Schema}.dead_letters d USING doomed WHERE d.id = doomed.id
        """;

    private static readonly string[] Resolved = [nameof(DeadLetterStatus.Replayed), nameof(DeadLetterStatus.Discarded)];

    /// <summary>Deletes every resolved dead letter past its retention at <paramref name="now"/>; returns how many.</summary>
    public static Task<int> DeleteExpiredAsync(QueueFlowDbContext db, RetentionOptions options, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(options);
        return options.ResolvedDeadLetters is { } kept
            ? RetentionBatches.DeleteAsync(db, DeleteBatch, Resolved, now - kept, options.BatchSize, QueueFlowMetrics.RetentionDeletedDeadLetters, cancellationToken)
            : Task.FromResult(0);
    }
}
