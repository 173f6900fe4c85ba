using QueueFlow.Contracts;
using QueueFlow.Core.Vocabularies;

namespace QueueFlow.Core.Jobs;

/// <summary>A job's metrics and each of its tasks', computed from what the job row already holds.</summary>
public sealed record JobMetrics(RunMetrics Job, IReadOnlyDictionary<string, RunMetrics> Tasks)
{
    public static JobMetrics Of(Job job, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(job);
        var jobMetrics = new RunMetrics(
            job.CreatedAt,
            job.EndedAt,
            RunTime(job.CreatedAt, job.EndedAt, now),
            JobRules.IsFinished(job.Status) ? ItentialStatus.From(job.Status) : null,
            job.Owner);

        var tasks = job.Tasks.ToDictionary(
            t => t.TaskId,
            t => new RunMetrics(
                t.StartedAt,
                t.EndedAt,
                t.StartedAt is { } started ? RunTime(started, t.EndedAt, now) : null,
                t.FinishState ?? (t.Status is TaskRunStatus.Failed or TaskRunStatus.TimedOut or TaskRunStatus.Cancelled or TaskRunStatus.Skipped ? ItentialStatus.From(t.Status) : null),
                t.Attempts.LastOrDefault(a => a.Owner is not null)?.Owner),
            StringComparer.Ordinal);
        return new JobMetrics(jobMetrics, tasks);
    }

    static long RunTime(DateTimeOffset start, DateTimeOffset? end, DateTimeOffset now) =>
        (long)((end ?? now) - start).TotalMilliseconds;
}
