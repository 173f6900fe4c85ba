namespace QueueFlow.Api.Tasks;

/// <summary>A task's place in the (job_id, task_id) order of <c>GET /api/tasks</c>: what its cursor holds.</summary>
public sealed record TaskKey(Guid JobId, string TaskId);
