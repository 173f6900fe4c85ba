namespace QueueFlow.Contracts;

/// <summary>Sent by QueueFlow's own timer when a job's deadline passes.</summary>
public sealed record ExpireJob
{
    public required Guid JobId { get; init; }
}
