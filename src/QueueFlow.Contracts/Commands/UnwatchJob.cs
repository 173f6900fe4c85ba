namespace QueueFlow.Contracts;

/// <summary>Removes a watcher from a job: its events stop going to that watcher's routing key.</summary>
public sealed record UnwatchJob
{
    public required Guid JobId { get; init; }
    public required string Watcher { get; init; }
    public Guid? CommandId { get; init; }
}
