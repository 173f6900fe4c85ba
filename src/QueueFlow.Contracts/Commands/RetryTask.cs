namespace QueueFlow.Contracts;

/// <summary>
/// Runs a Failed or TimedOut task again as a new attempt. When the job failed because of that task it is
/// Running again (Itential's retry of an errored task).
/// </summary>
public sealed record RetryTask
{
    public required Guid JobId { get; init; }
    public required string TaskId { get; init; }

    /// <summary>Why, kept in the job's history.</summary>
    public string? Reason { get; init; }

    /// <summary>A repeat with the same id is answered like the first and changes nothing.</summary>
    public Guid? CommandId { get; init; }
}
