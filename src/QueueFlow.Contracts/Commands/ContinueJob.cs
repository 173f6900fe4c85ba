namespace QueueFlow.Contracts;

/// <summary>
/// Brings a Failed job back to Running and runs <see cref="FromTask"/> next (Itential's continue from a task).
/// Without it, the task the job failed on runs again.
/// </summary>
public sealed record ContinueJob
{
    public required Guid JobId { get; init; }
    public string? FromTask { get; init; }

    /// <summary>Why, kept in the job's history.</summary>
    public string? Reason { get; init; }

    /// <summary>A repeat with the same id is answered like the first and changes nothing.</summary>
    public Guid? CommandId { get; init; }
}
