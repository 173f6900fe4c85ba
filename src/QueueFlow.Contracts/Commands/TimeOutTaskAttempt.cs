namespace QueueFlow.Contracts;

/// <summary>Sent by QueueFlow's own timer when an attempt's start-to-close or heartbeat timeout passes.</summary>
public sealed record TimeOutTaskAttempt
{
    public required Guid JobId { get; init; }
    public required string TaskId { get; init; }
    public required Guid AttemptId { get; init; }

    /// <summary><c>startToClose</c> or <c>heartbeat</c>.</summary>
    public required string Timeout { get; init; }
}
