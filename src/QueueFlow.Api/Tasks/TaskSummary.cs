using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;

namespace QueueFlow.Api.Tasks;

/// <summary>One task in <c>GET /api/tasks</c>, with its error (the failure text of its current attempt, or null) so a list shows why.</summary>
public sealed record TaskSummary(
    Guid JobId, string TaskId, TaskKind Kind, string? Queue, TaskRunStatus Status, string? FinishState, int Iteration, int Attempt, Guid? AttemptId, string? Error,
    DateTimeOffset? ScheduledAt, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt);
