namespace QueueFlow.Contracts;

/// <summary>
/// Holds a running job: attempts already running go on and their answers are applied, but no task is
/// dispatched until the job is resumed.
/// </summary>
public sealed record PauseJob
{
    public required Guid JobId { get; init; }

    /// <summary>Why, kept in the job's history and on its JobStateChanged.</summary>
    public string? Reason { get; init; }

    public Guid? CommandId { get; init; }
}
