namespace QueueFlow.Contracts;

/// <summary>
/// The task attempt a child job runs for. When the child job finishes it reports to that attempt with a
/// <see cref="CompleteTask"/> (its variables as the output) or a <see cref="FailTask"/>.
/// </summary>
public sealed record ParentTask
{
    public required Guid JobId { get; init; }
    public required string TaskId { get; init; }
    public required Guid AttemptId { get; init; }
}
