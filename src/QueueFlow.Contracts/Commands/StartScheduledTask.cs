namespace QueueFlow.Contracts;

/// <summary>
/// Sent by QueueFlow's own timer when a scheduled task (a retry after its backoff, or a start at a
/// later time) is due. <see cref="Attempt"/> is the attempt it opens: a timer for any other is stale.
/// </summary>
public sealed record StartScheduledTask
{
    public required Guid JobId { get; init; }
    public required string TaskId { get; init; }
    public required int Attempt { get; init; }
}
