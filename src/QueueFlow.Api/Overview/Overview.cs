using QueueFlow.Api.Stats;

namespace QueueFlow.Api.Overview;

/// <summary>
/// What an on-call person wants first: jobs and tasks per status, dead letters per status, the task that has been
/// running longest (and the <see cref="OldestRunningTasksShown"/> longest, oldest first), how far the outbox and the timers
/// are behind, and each task queue's tasks and broker backlog. Counts are exact (counted now, not cached).
/// </summary>
public sealed record Overview(
    DateTimeOffset At,
    IReadOnlyDictionary<string, int> Jobs,
    IReadOnlyDictionary<string, int> Tasks,
    IReadOnlyDictionary<string, int> DeadLetters,
    OldestRunningTask? OldestRunningTask,
    Backlog Outbox,
    Backlog Timers,
    IReadOnlyList<QueueStats> Queues,
    IReadOnlyList<OldestRunningTask> OldestRunningTasks)
{
    public const int OldestRunningTasksShown = 10;
}
