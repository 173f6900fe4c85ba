namespace QueueFlow.Contracts;

/// <summary>Ends a job that is not Completed or Cancelled (a Failed one too) as Cancelled, with its open tasks, their attempts and timers.</summary>
public sealed record CancelJob
{
    public required Guid JobId { get; init; }

    /// <summary>Why, kept in the job's history and on its JobStateChanged.</summary>
    public string? Reason { get; init; }

    public Guid? CommandId { get; init; }
}
