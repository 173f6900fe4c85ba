using Microsoft.EntityFrameworkCore;

namespace QueueFlow.Persistence.Idempotency;

/// <summary>The first-writer-wins store of <see cref="IdempotencyKey"/> rows.</summary>
public static class IdempotencyKeys
{
    /// <summary>
    /// Stores <paramref name="candidate"/> unless the caller already used its key, and returns the row that holds
    /// the key now: the candidate, or the first request's. Concurrent claims of one key settle on one row
    /// (INSERT … ON CONFLICT DO NOTHING on the primary key), so they all compare against the same fingerprint.
    /// </summary>
    public static async Task<IdempotencyKey> ClaimAsync(QueueFlowDbContext db, IdempotencyKey candidate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(candidate);
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO queueflow.idempotency_keys (caller, key, request_hash, job_id, created_at)
            VALUES ({candidate.Caller}, {candidate.Key}, {candidate.RequestHash}, {candidate.JobId}, {candidate.CreatedAt})
            ON CONFLICT (caller, key) DO NOTHING
            """, cancellationToken).ConfigureAwait(false);
        return await db.IdempotencyKeys.AsNoTracking()
            .SingleAsync(k => k.Caller == candidate.Caller && k.Key == candidate.Key, cancellationToken).ConfigureAwait(false);
    }
}
