using System.Text.Json;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;

namespace QueueFlow.Api.Jobs;

/// <summary>One task as <c>GET /api/jobs/{id}</c> shows it.</summary>
public sealed record TaskDocument(
    string TaskId,
    TaskKind Kind,
    string? Queue,
    TaskRunStatus Status,
    string? FinishState,
    int Iteration,
    int Attempt,
    Guid? AttemptId,
    JsonElement? Input,
    JsonElement Output,
    string? Error,
    DateTimeOffset? ScheduledAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    DateTimeOffset? Deadline,
    string? Assignee,
    string? AssignedBy,
    DateTimeOffset? AssignedAt)
{
    public static TaskDocument From(JobTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new TaskDocument(task.TaskId, task.Kind, task.Queue, task.Status, task.FinishState, task.Iteration, task.Attempt, task.AttemptId,
            task.Input is null ? null : JsonElement.Parse(task.Input), JsonElement.Parse(task.Output), task.Error,
            task.ScheduledAt, task.StartedAt, task.EndedAt, task.Deadline, task.Assignee, task.AssignedBy, task.AssignedAt);
    }
}
