using System.Text.Json;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;

namespace QueueFlow.Api.Jobs;

/// <summary>
/// One task as <c>GET /api/jobs/{id}</c> shows it, with the ids the seed systems' routes take: the current attempt's
/// job key (Camunda, in decimal as Camunda writes keys) and the current iteration's task-run id (Prefect).
/// </summary>
public sealed record TaskDocument(
    string TaskId,
    TaskKind Kind,
    string? Queue,
    TaskRunStatus Status,
    string? FinishState,
    int Iteration,
    int Attempt,
    Guid? AttemptId,
    string? JobKey,
    Guid? TaskRunId,
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
            task.JobKey?.ToString(System.Globalization.CultureInfo.InvariantCulture), task.TaskRunId,
            task.Input is null ? null : JsonElement.Parse(task.Input), JsonElement.Parse(task.Output), task.Error,
            task.ScheduledAt, task.StartedAt, task.EndedAt, task.Deadline, task.Assignee, task.AssignedBy, task.AssignedAt);
    }
}
