namespace QueueFlow.Contracts;

/// <summary>
/// The answer to every command: sent as the reply to a request (RequestId / response address) and
/// kept in the job's history. A duplicate command is answered with the same status as the first and
/// <see cref="Duplicate"/> set.
/// </summary>
public sealed record CommandOutcome
{
    public required Guid JobId { get; init; }
    public string? TaskId { get; init; }

    /// <summary>The command's name, e.g. <c>CompleteTask</c>.</summary>
    public required string Command { get; init; }
    public Guid? CommandId { get; init; }
    public required CommandStatus Status { get; init; }

    /// <summary>Why it was rejected, aborted or deferred, in words a person can act on.</summary>
    public string? Reason { get; init; }
    public JobStatus? JobStatus { get; init; }
    public TaskRunStatus? TaskStatus { get; init; }

    /// <summary>For <see cref="CommandStatus.Wait"/>: whole seconds to wait before trying again.</summary>
    public int? WaitSeconds { get; init; }
    public bool Duplicate { get; init; }
}
