namespace QueueFlow.Contracts;

/// <summary>The claimant or assignee of a manual task gives it back: anyone may claim or finish it again.</summary>
public sealed record ReleaseTask
{
    public required Guid JobId { get; init; }
    public required string TaskId { get; init; }

    /// <summary>Who releases it: must be the task's current assignee.</summary>
    public required string User { get; init; }
    public Guid? CommandId { get; init; }
}
