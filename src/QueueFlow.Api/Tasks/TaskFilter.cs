using QueueFlow.Contracts;

namespace QueueFlow.Api.Tasks;

/// <summary>
/// The filter vocabulary of <c>GET /api/tasks</c>: the task's status and queue, its job's workflow. Null means "any";
/// <see cref="Statuses"/> is "any of these" (what the query string fills), beside the one <see cref="Status"/>.
/// </summary>
public sealed record TaskFilter
{
    public TaskRunStatus? Status { get; init; }
    public IReadOnlyList<TaskRunStatus> Statuses { get; init; } = [];
    public string? Queue { get; init; }
    public string? Workflow { get; init; }
}
