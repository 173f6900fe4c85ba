using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;

namespace QueueFlow.Api.Tasks;

/// <summary>One task in <c>GET /api/tasks</c>.</summary>
public sealed record TaskSummary(
    Guid JobId, string TaskId, TaskKind Kind, string? Queue, TaskRunStatus Status, string? FinishState, int Iteration, int Attempt, Guid? AttemptId,
    DateTimeOffset? ScheduledAt, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt);
