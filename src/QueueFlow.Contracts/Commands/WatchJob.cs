namespace QueueFlow.Contracts;

/// <summary>
/// Adds a watcher to a job: from then on each of the job's JobStateChanged and TaskStateChanged events is also
/// sent to the <c>queueflow-watch</c> direct exchange with the watcher as its routing key.
/// </summary>
public sealed record WatchJob
{
    public required Guid JobId { get; init; }

    /// <summary>A user or system name, used as the routing key: 1 to 255 characters, no control characters.</summary>
    public required string Watcher { get; init; }

    public Guid? CommandId { get; init; }
}
