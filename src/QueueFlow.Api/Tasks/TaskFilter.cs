using QueueFlow.Contracts;

namespace QueueFlow.Api.Tasks;

/// <summary>The filter vocabulary of <c>GET /api/tasks</c>: the task's status and queue, its job's workflow. Null means "any".</summary>
public sealed record TaskFilter
{
    public TaskRunStatus? Status { get; init; }
    public string? Queue { get; init; }
    public string? Workflow { get; init; }
}
