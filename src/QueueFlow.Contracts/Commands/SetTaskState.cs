using System.Text.Json;

namespace QueueFlow.Contracts;

/// <summary>
/// Proposes a new state for a task; the orchestration rules accept, reject, abort or defer it.
/// <see cref="Force"/> skips the rules, never the validation.
/// </summary>
public sealed record SetTaskState
{
    public required Guid JobId { get; init; }
    public required string TaskId { get; init; }
    public required TaskRunStatus State { get; init; }
    /// <summary>When given, the proposal applies only to that attempt; an earlier attempt is rejected as stale.</summary>
    public Guid? AttemptId { get; init; }

    /// <summary>Why: the error of a Failed proposal, the note of a Paused or Cancelled one.</summary>
    public string? Message { get; init; }

    /// <summary>For Completed: chooses the outgoing transitions; <c>success</c> when absent.</summary>
    public string? FinishState { get; init; }

    /// <summary>Merged into the task's output (Prefect's state <c>data</c>). A JSON object.</summary>
    public JsonElement? Output { get; init; }
    public bool Force { get; init; }

    /// <summary>
    /// For Failed: <c>false</c> ends the task even with retries left (Prefect's <c>state_details.retriable</c>);
    /// absent or <c>true</c> lets the task's retry policy decide.
    /// </summary>
    public bool? Retriable { get; init; }

    /// <summary>A repeated proposal with the same transition id is answered like the first.</summary>
    public Guid? TransitionId { get; init; }
    public DateTimeOffset? ScheduledTime { get; init; }
    public Guid? CommandId { get; init; }
}
