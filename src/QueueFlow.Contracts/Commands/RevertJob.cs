namespace QueueFlow.Contracts;

/// <summary>
/// Takes a Failed or Paused job back from an errored task to a task that completed before it (Itential's revert):
/// every task after <see cref="ToTask"/> is reset to Pending and the job runs again from <see cref="ToTask"/>.
/// </summary>
public sealed record RevertJob
{
    public required Guid JobId { get; init; }

    /// <summary>The errored (Failed or TimedOut) task; without it, the task the job failed on.</summary>
    public string? FromTask { get; init; }
    public required string ToTask { get; init; }

    /// <summary>A repeat with the same id is answered like the first and changes nothing.</summary>
    public Guid? CommandId { get; init; }
}
