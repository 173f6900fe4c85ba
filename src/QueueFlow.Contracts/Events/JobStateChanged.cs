namespace QueueFlow.Contracts;

/// <summary>Published whenever a job changes status, including the first (Running).</summary>
public sealed record JobStateChanged
{
    public required Guid JobId { get; init; }
    public required string Workflow { get; init; }
    public JobStatus? From { get; init; }
    public required JobStatus To { get; init; }
    public string? Reason { get; init; }
    public required DateTimeOffset At { get; init; }
}
