using Microsoft.EntityFrameworkCore;

namespace QueueFlow.Persistence.Counts;

/// <summary>
/// Jobs per workflow and status and tasks per queue and status, exact, without counting millions of rows.
/// Triggers on <c>jobs</c> and <c>job_tasks</c> (migration StatusCounts) append a +1/-1 row to
/// <c>status_count_changes</c> in the same transaction as every status change, insert or delete; inserts only, so no
/// two transactions wait on one counter row. The worker's job write appends its own netted rows instead and the
/// triggers skip its rows (<see cref="StatusCountChanges"/>, migration StatusCountsByWriter). A read adds those changes to the folded totals in <c>status_counts</c>
/// in one statement (one snapshot), so it is exact whenever the changes were last folded in.
/// </summary>
public static class StatusCounts
{
    public const string Jobs = "job";
    public const string Tasks = "task";

    /// <summary>Every (entity, name, status) with a count that is not zero.</summary>
    public static async Task<IReadOnlyList<StatusCount>> ReadAsync(QueueFlowDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.Database.SqlQueryRaw<StatusCount>(ReadSql).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Folds the changes into the totals, so a read adds up a few thousand rows at most. One instance at a time (a
    /// transaction-scoped advisory lock, tried, never waited for): two folds would lock the same totals in different
    /// orders. Returns how many change rows were folded, or -1 when another instance was folding.
    /// </summary>
    public static async Task<int> FoldAsync(QueueFlowDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // ToListAsync, not SingleAsync: EF Core would wrap the statement in a subquery, where PostgreSQL refuses a DELETE.
        var locked = (await db.Database.SqlQueryRaw<bool>(TryLockSql).ToListAsync(cancellationToken).ConfigureAwait(false)).Single();
        if (!locked)
            return -1;
        var folded = (await db.Database.SqlQueryRaw<int>(FoldSql).ToListAsync(cancellationToken).ConfigureAwait(false)).Single();
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return folded;
    }

    const string Schema = QueueFlowDbContext.Schema;

    const string ReadSql =
        "SELECT entity AS \"Entity\", name AS \"Name\", status AS \"Status\", sum(n)::bigint AS \"Count\" FROM (" +
        "SELECT entity, name, status, count AS n FROM " + Schema + ".status_counts " +
        "UNION ALL SELECT entity, name, status, delta FROM " + Schema + ".status_count_changes) c " +
        "GROUP BY entity, name, status HAVING sum(n) <> 0";

    /// <summary>The fold's advisory lock, "QFCOUNTS" in ASCII, apart from the outbox relay's and the jobs' locks.</summary>
    public const long FoldLockKey = 0x5146_434F_554E_5453;

    static readonly string TryLockSql = $"SELECT pg_try_advisory_xact_lock({FoldLockKey}) AS \"Value\"";

    const string FoldSql =
        "WITH moved AS (DELETE FROM " + Schema + ".status_count_changes RETURNING entity, name, status, delta), " +
        "summed AS (SELECT entity, name, status, sum(delta)::bigint AS delta FROM moved GROUP BY entity, name, status), " +
        "folded AS (INSERT INTO " + Schema + ".status_counts AS c (entity, name, status, count) " +
        "SELECT entity, name, status, delta FROM summed ORDER BY entity, name, status " +
        "ON CONFLICT (entity, name, status) DO UPDATE SET count = c.count + EXCLUDED.count RETURNING 1) " +
        "SELECT (SELECT count(*) FROM moved)::int AS \"Value\"";
}
