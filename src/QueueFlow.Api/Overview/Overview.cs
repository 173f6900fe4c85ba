namespace QueueFlow.Api.Overview;

/// <summary>
/// What an on-call person wants first: jobs and tasks per status, dead letters per status, the task that has been
/// running longest, and how far the outbox and the timers are behind. Counts are exact (counted now, not cached).
/// </summary>
public sealed record Overview(
    DateTimeOffset At,
    IReadOnlyDictionary<string, int> Jobs,
    IReadOnlyDictionary<string, int> Tasks,
    IReadOnlyDictionary<string, int> DeadLetters,
    OldestRunningTask? OldestRunningTask,
    Backlog Outbox,
    Backlog Timers);
