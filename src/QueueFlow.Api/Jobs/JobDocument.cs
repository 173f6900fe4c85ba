using System.Text.Json;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;

namespace QueueFlow.Api.Jobs;

/// <summary>The answer to <c>GET /api/jobs/{id}</c>: the job, its metrics and every task.</summary>
public sealed record JobDocument(
    Guid Id,
    string Workflow,
    int Version,
    JobStatus Status,
    string? Owner,
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
        return new JobDocument(job.CorrelationId, job.Workflow, job.WorkflowVersion, job.Status, job.Owner, JsonElement.Parse(job.Variables),
            job.Errors, job.CreatedAt, job.UpdatedAt, job.EndedAt, JobMetrics.Of(job, now), job.Watchers,
            [.. job.Tasks.OrderBy(t => t.StartedAt ?? DateTimeOffset.MaxValue).ThenBy(t => t.TaskId, StringComparer.Ordinal).Select(TaskDocument.From)]);
    }
}
