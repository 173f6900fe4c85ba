using System.Text.Json;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;

namespace QueueFlow.Api.Jobs;

/// <summary>
/// The answer to <c>GET /api/jobs/{id}</c>: the job, its metrics and every task. <see cref="Parent"/> names the
/// task attempt a child job runs for; a workflow task's attempt ids are its child jobs' ids.
/// </summary>
public sealed record JobDocument(
    Guid Id,
    string Workflow,
    int Version,
    JobStatus Status,
    string? Owner,
    ParentTask? Parent,
    JsonElement Variables,
    IReadOnlyList<JobError> Errors,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? EndedAt,
    JobMetrics Metrics,
    IReadOnlyList<string> Watchers,
    IReadOnlyList<TaskDocument> Tasks)
{
    public static JobDocument From(Job job, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new JobDocument(job.CorrelationId, job.Workflow, job.WorkflowVersion, job.Status, job.Owner,
            job.ParentJobId is { } parentId ? new ParentTask { JobId = parentId, TaskId = job.ParentTaskId!, AttemptId = job.ParentAttemptId!.Value } : null,
            JsonElement.Parse(job.Variables),
            job.Errors, job.CreatedAt, job.UpdatedAt, job.EndedAt, JobMetrics.Of(job, now), job.Watchers,
            [.. job.Tasks.OrderBy(t => t.StartedAt ?? DateTimeOffset.MaxValue).ThenBy(t => t.TaskId, StringComparer.Ordinal).Select(TaskDocument.From)]);
    }
}
