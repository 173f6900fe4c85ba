namespace QueueFlow.Core.Jobs;

/// <summary>
/// One applied change or answered command of a job, append-only. <see cref="Sequence"/> orders a
/// job's entries and is unique per job.
/// </summary>
public sealed record JobHistoryEntry
{
    public long Id { get; init; }
    public required Guid JobId { get; init; }
    public required int Sequence { get; init; }
    public required DateTimeOffset At { get; init; }

    /// <summary>What happened: e.g. JobStarted, TaskDispatched, TaskCompleted, CommandRejected.</summary>
    public required string Kind { get; init; }
    public string? TaskId { get; init; }
    public Guid? AttemptId { get; init; }
    public Guid? CommandId { get; init; }
    public string? From { get; init; }
    public string? To { get; init; }
    public string? Detail { get; init; }
}
