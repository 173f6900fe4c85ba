using Microsoft.EntityFrameworkCore;
using QueueFlow.Contracts;
using QueueFlow.Persistence;

namespace QueueFlow.Api.Stats;

/// <summary>The counts behind <c>GET /api/stats</c> and the queues of <c>GET /api/overview</c>, counted now (not cached).</summary>
public static class StatsQueries
{
    /// <summary>How many minutes the throughput series spans; the last is the minute in progress.</summary>
    public const int ThroughputMinutes = 60;

    const string CompletedKind = "Task" + nameof(TaskRunStatus.Completed);
    const string FailedKind = "Task" + nameof(TaskRunStatus.Failed);

    /// <summary>Every name of <typeparamref name="TEnum"/> with its count, zeros included, so a reader never meets a missing key.</summary>
    public static IReadOnlyDictionary<string, int> Counts<TEnum>(IEnumerable<KeyValuePair<TEnum, int>> counts)
        where TEnum : struct, Enum
    {
        var all = Enum.GetNames<TEnum>().ToDictionary(n => n, _ => 0, StringComparer.Ordinal);
        foreach (var (status, count) in counts)
            all[status.ToString()] += count;
        return all;
    }

    public static async Task<IReadOnlyList<WorkflowStats>> WorkflowsAsync(QueueFlowDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await db.Jobs.GroupBy(j => new { j.Workflow, j.Status }).Select(g => new { g.Key.Workflow, g.Key.Status, Count = g.Count() })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.GroupBy(r => r.Workflow).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new WorkflowStats(g.Key, Counts(g.Select(r => KeyValuePair.Create(r.Status, r.Count)))))];
    }

    /// <summary>
    /// Every task queue tasks were dispatched to, with its tasks per status and the broker's backlog. The backlog is
    /// read after the counts and never fails the answer: when the broker cannot be read it is null.
    /// </summary>
    public static async Task<IReadOnlyList<QueueStats>> QueuesAsync(QueueFlowDbContext db, IQueueBacklogReader broker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(broker);
        var rows = await db.JobTasks.Where(t => t.Queue != null).GroupBy(t => new { t.Queue, t.Status })
            .Select(g => new { Queue = g.Key.Queue!, g.Key.Status, Count = g.Count() }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var queues = rows.Select(r => r.Queue).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var backlog = queues.Count == 0 ? null : await broker.ReadAsync(queues, cancellationToken).ConfigureAwait(false);
        return [.. queues.Select(q => new QueueStats(q, Counts(rows.Where(r => r.Queue == q).Select(r => KeyValuePair.Create(r.Status, r.Count))),
            backlog?.GetValueOrDefault(q)))];
    }

    /// <summary>
    /// Task completions and failures per minute from the history, for the <see cref="ThroughputMinutes"/> minutes ending
    /// with the one in progress (so what just happened shows), oldest first, minutes with none included.
    /// </summary>
    public static async Task<IReadOnlyList<ThroughputMinute>> ThroughputAsync(QueueFlowDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var current = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        var since = current.AddMinutes(1 - ThroughputMinutes);
        var counts = await db.Database.SqlQueryRaw<MinuteCount>(ThroughputSql, since).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. Enumerable.Range(0, ThroughputMinutes).Select(i => since.AddMinutes(i)).Select(minute => new ThroughputMinute(minute,
            counts.Where(c => c.Minute == minute.UtcDateTime && c.Kind == CompletedKind).Sum(c => c.Count),
            counts.Where(c => c.Minute == minute.UtcDateTime && c.Kind == FailedKind).Sum(c => c.Count)))];
    }

    /// <summary>One row per minute and kind; raw SQL only for date_trunc, from the model's own constants.</summary>
    const string ThroughputSql =
        "SELECT date_trunc('minute', h.at AT TIME ZONE 'UTC') AS \"Minute\", h.kind AS \"Kind\", count(*)::int AS \"Count\" " +
        "FROM " + QueueFlowDbContext.Schema + ".job_history h " +
        "WHERE h.at >= {0} AND h.kind IN ('" + CompletedKind + "', '" + FailedKind + "') GROUP BY 1, 2";

    sealed record MinuteCount(DateTime Minute, string Kind, int Count);
}
