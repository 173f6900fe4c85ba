using System.Text.Json;

namespace QueueFlow.Contracts;

/// <summary>
/// Sent to the queue a task names: the worker runs the task and answers with
/// <see cref="CompleteTask"/> or <see cref="FailTask"/> carrying the same attempt id.
/// </summary>
public sealed record RunTask
{
    public required Guid JobId { get; init; }
    public required string TaskId { get; init; }
    public required Guid AttemptId { get; init; }

    /// <summary>1 for the first attempt, 2 for the first retry, and so on.</summary>
    public required int Attempt { get; init; }

    /// <summary>
    /// The attempt's job key: a positive 64-bit integer written in decimal, as Camunda writes keys, for
    /// <c>POST /v2/jobs/{jobKey}/completion</c>. Each attempt has its own; every RunTask carries it.
    /// </summary>
    public required string JobKey { get; init; }

    /// <summary>
    /// The task run (one iteration of the task), the same across its retries: Prefect's task run id, for
    /// <c>/api/task_runs/{id}/set_state</c>. Every RunTask carries it.
    /// </summary>
    public required Guid TaskRunId { get; init; }
    public required string Workflow { get; init; }
    public required string Queue { get; init; }

    /// <summary>The task's input with every reference to variables and earlier outputs resolved.</summary>
    public required JsonElement Input { get; init; }

    /// <summary>When the attempt times out, if the task has a timeout.</summary>
    public DateTimeOffset? Deadline { get; init; }
    public required DateTimeOffset DispatchedAt { get; init; }
}
