namespace QueueFlow.Contracts;

/// <summary>Published once when a job fails.</summary>
public sealed record JobFailed
{
    public required Guid JobId { get; init; }
    public required string Workflow { get; init; }
    public required IReadOnlyList<JobError> Errors { get; init; }
    public required DateTimeOffset At { get; init; }
}
