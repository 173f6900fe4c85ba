namespace QueueFlow.Contracts;

/// <summary>
/// A person takes a Running manual task for themselves. Once claimed, only <see cref="User"/> may finish
/// (CompleteTask or FailTask with that owner) or release it.
/// </summary>
public sealed record ClaimTask
{
    public required Guid JobId { get; init; }
    public required string TaskId { get; init; }
    public required string User { get; init; }
    public Guid? CommandId { get; init; }
}
