using QueueFlow.Contracts;

namespace QueueFlow.Core.Jobs;

/// <summary>One dispatch of a task. <see cref="Status"/> is how the attempt ended, once it has.</summary>
public sealed record TaskAttempt
{
    public required Guid Id { get; init; }
    public required int Number { get; init; }

    /// <summary>The attempt's job key (<see cref="JobKeys"/>); null on attempts stored before keys existed.</summary>
    public long? JobKey { get; init; }

    /// <summary>The task's iteration this attempt belongs to.</summary>
    public int Iteration { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; set; }
    public TaskRunStatus Status { get; set; } = TaskRunStatus.Running;
    public string? FinishState { get; set; }
    public string? Error { get; set; }

    /// <summary>Who completed or failed the attempt, if they said.</summary>
    public string? Owner { get; set; }

    /// <summary>The worker's last heartbeat on this attempt, with the progress (0 to 1) and details it gave.</summary>
    public DateTimeOffset? LastHeartbeatAt { get; set; }
    public double? Progress { get; set; }
    public string? Details { get; set; }

    /// <summary>State proposals with a transition id applied while this attempt was current, to answer repeats.</summary>
    public List<RecordedTransition> Transitions { get; set; } = [];
}
