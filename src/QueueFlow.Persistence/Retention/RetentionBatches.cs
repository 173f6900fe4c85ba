using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace QueueFlow.Persistence.Retention;

/// <summary>How a retention deletes: one bounded batch per transaction, again and again until a batch finds fewer.</summary>
internal static class RetentionBatches
{
    /// <summary>
    /// Runs <paramref name="deleteBatch"/> (a DELETE of at most <c>@batch</c> rows of the given <c>@statuses</c> that
    /// ended before <c>@cutoff</c>) until it deletes fewer than <paramref name="batchSize"/>; each batch is its own
    /// transaction and is <paramref name="counted"/>. Returns how many rows were deleted in all.
    /// </summary>
    public static async Task<int> DeleteAsync(
        QueueFlowDbContext db, string deleteBatch, string[] statuses, DateTimeOffset cutoff, int batchSize, Action<int> counted, CancellationToken cancellationToken)
    {
        var deleted = 0;
        int batch;
        do
        {
            batch = await db.Database.ExecuteSqlRawAsync(deleteBatch,
            [
                new NpgsqlParameter("statuses", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { Value = statuses },
                new NpgsqlParameter("cutoff", NpgsqlDbType.TimestampTz) { Value = cutoff.UtcDateTime },
                new NpgsqlParameter("batch", NpgsqlDbType.Integer) { Value = batchSize },
            ], cancellationToken).ConfigureAwait(false);
            deleted += batch;
            counted(batch);
        }
        while (batch == batchSize);
        return deleted;
    }
}
