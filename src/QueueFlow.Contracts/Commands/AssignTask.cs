namespace QueueFlow.Contracts;

/// <summary>
/// Gives a Running manual task to <see cref="Assignee"/>, also taking it from whoever held it: only the
/// assignee may then finish or release it.
/// </summary>
public sealed record AssignTask
{
    public required Guid JobId { get; init; }
    public required string TaskId { get; init; }
    public required string Assignee { get; init; }

    /// <summary>Who assigned it, kept in the task and its history.</summary>
    public string? AssignedBy { get; init; }
    public Guid? CommandId { get; init; }
}
