using Microsoft.EntityFrameworkCore;
using QueueFlow.Contracts;
using QueueFlow.Persistence;
using QueueFlow.Persistence.Counts;

namespace QueueFlow.Api.Stats;

/// <summary>
/// The figures behind <c>GET /api/stats</c> and the queues of <c>GET /api/overview</c>: counts per status from
/// <see cref="StatusCounts"/> (exact, kept by triggers, never a count over the jobs or tasks), throughput from the history.
/// </summary>
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

    /// <summary>The counts per status of one entity (<see cref="StatusCounts.Jobs"/> or <see cref="StatusCounts.Tasks"/>), zeros included.</summary>
    public static IReadOnlyDictionary<string, int> Counts<TEnum>(IEnumerable<StatusCount> counts, string entity)
        where TEnum : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(counts);
        return Counts(counts.Where(c => c.Entity == entity && Enum.IsDefined(typeof(TEnum), c.Status))
            .Select(c => KeyValuePair.Create(Enum.Parse<TEnum>(c.Status), (int)c.Count)));
    }

    public static IReadOnlyList<WorkflowStats> Workflows(IReadOnlyList<StatusCount> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        return [.. counts.Where(c => c.Entity == StatusCounts.Jobs).GroupBy(c => c.Name).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new WorkflowStats(g.Key, Counts<JobStatus>(g, StatusCounts.Jobs)))];
    }

    /// <summary>
    /// Every task queue tasks were dispatched to, with its tasks per status and the broker's backlog. The backlog is
    /// read after the counts and never fails the answer: when the broker cannot be read it is null.
    /// </summary>
    public static async Task<IReadOnlyList<QueueStats>> QueuesAsync(IReadOnlyList<StatusCount> counts, IQueueBacklogReader broker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(broker);
        var byQueue = counts.Where(c => c.Entity == StatusCounts.Tasks && c.Name.Length > 0).GroupBy(c => c.Name)
            .OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var queues = byQueue.Select(g => g.Key).ToList();
        var backlog = queues.Count == 0 ? null : await broker.ReadAsync(queues, cancellationToken).ConfigureAwait(false);
        return [.. byQueue.Select(g => new QueueStats(g.Key, Counts<TaskRunStatus>(g, StatusCounts.Tasks), backlog?.GetValueOrDefault(g.Key)))];
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
