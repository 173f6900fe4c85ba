namespace QueueFlow.Contracts;

/// <summary>Runs a paused job on: every task held while it was paused is dispatched.</summary>
public sealed record ResumeJob
{
    public required Guid JobId { get; init; }
    public Guid? CommandId { get; init; }
}
