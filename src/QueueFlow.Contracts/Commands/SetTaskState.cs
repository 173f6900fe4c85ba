namespace QueueFlow.Contracts;

/// <summary>
/// Proposes a new state for a task; the orchestration rules accept, reject, abort or defer it.
/// <see cref="Force"/> skips the rules, never the validation.
/// </summary>
public sealed record SetTaskState
{
    public required Guid JobId { get; init; }
    public required string TaskId { get; init; }
    public required TaskRunStatus State { get; init; }
    public Guid? AttemptId { get; init; }
    public string? Message { get; init; }
    public bool Force { get; init; }

    /// <summary>A repeated proposal with the same transition id is answered like the first.</summary>
    public Guid? TransitionId { get; init; }
    public DateTimeOffset? ScheduledTime { get; init; }
    public Guid? CommandId { get; init; }
}
