namespace QueueFlow.Contracts;

/// <summary>
/// Published whenever someone takes, is given or gives back a manual task (claim, assign, release). The task's status
/// does not change (it stays Running, waiting for a person), so this is not a <see cref="TaskStateChanged"/>.
/// </summary>
public sealed record TaskAssigneeChanged
{
    public required Guid JobId { get; init; }
    public required string TaskId { get; init; }
    public Guid? AttemptId { get; init; }

    /// <summary>Claimed, Assigned or Released.</summary>
    public required string Change { get; init; }

    /// <summary>Who held the task before; absent when nobody did.</summary>
    public string? From { get; init; }

    /// <summary>Who holds it now; absent once released.</summary>
    public string? To { get; init; }

    /// <summary>Who made the change: the claimant, the assigner (when named) or the releasing holder.</summary>
    public string? By { get; init; }

    public required DateTimeOffset At { get; init; }
}
