namespace QueueFlow.Contracts;

/// <summary>Published whenever a task of a job changes status.</summary>
public sealed record TaskStateChanged
{
    public required Guid JobId { get; init; }
    public required string TaskId { get; init; }
    public Guid? AttemptId { get; init; }
    public required TaskRunStatus From { get; init; }
    public required TaskRunStatus To { get; init; }
    public string? FinishState { get; init; }
    public string? Reason { get; init; }
    public required DateTimeOffset At { get; init; }
}
