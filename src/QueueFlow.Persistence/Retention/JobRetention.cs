using QueueFlow.Contracts;
using QueueFlow.Core.Telemetry;
using QueueFlow.Persistence.Jobs;

namespace QueueFlow.Persistence.Retention;

/// <summary>
/// Deletes the jobs that ended before their retention's cutoff (<see cref="RetentionOptions"/>), with their tasks (by
/// the foreign key's cascade), history and idempotency keys, a batch per transaction. The status counts follow by
/// their triggers. A job whose lock is held (a message of it being applied or sent, on any instance) or whose row is
/// locked is skipped until the next sweep, so a deletion never meets a write of the same job half way.
/// </summary>
public static class JobRetention
{
    // created_at bounds the walk of the (status, created_at, id) index: a job that ended before the cutoff was
    // created before it, so a sweep that finds nothing reads only the jobs created before the cutoff, not all.
    // The job's lock is tried only for a job past the cutoff (the CASE fixes the order): each lock taken is held
    // to the commit in PostgreSQL's shared lock table, so they must stay about as many as the batch.
    private static readonly string DeleteBatch = $"""
        WITH doomed AS (
            SELECT id FROM {QueueFlowDbContext.Schema}.jobs
            WHERE status = ANY(@statuses) AND created_at < @cutoff
              AND CASE WHEN ended_at < @cutoff THEN pg_try_advisory_xact_lock({JobLocks.Class}, {JobLocks.KeyOf("id::text")}) ELSE false END
            LIMIT @batch
            FOR UPDATE SKIP LOCKED),
        history AS (DELETE FROM {QueueFlowDbContext.Schema}.job_history h USING doomed d WHERE h.job_id = d.id),
        keys AS (DELETE FROM {QueueFlowDbContext.Schema}.idempotency_keys k USING doomed d WHERE k.job_id = d.id)
        DELETE FROM {QueueFlowDbContext.Schema}.jobs j USING doomed d WHERE j.id = d.id
        """;

    /// <summary>Deletes every job past its retention at <paramref name="now"/>; returns how many.</summary>
    public static async Task<int> DeleteExpiredAsync(QueueFlowDbContext db, RetentionOptions options, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(options);
        var deleted = 0;
        if (options.FinishedJobs is { } finished)
            deleted += await DeleteAsync(db, [JobStatus.Completed, JobStatus.Cancelled], now - finished, options.BatchSize, cancellationToken).ConfigureAwait(false);
        if (options.FailedJobs is { } failed)
            deleted += await DeleteAsync(db, [JobStatus.Failed], now - failed, options.BatchSize, cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    private static Task<int> DeleteAsync(QueueFlowDbContext db, JobStatus[] statuses, DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken) =>
        RetentionBatches.DeleteAsync(db, DeleteBatch, [.. statuses.Select(s => s.ToString())], cutoff, batchSize, QueueFlowMetrics.RetentionDeleted, cancellationToken);
}
