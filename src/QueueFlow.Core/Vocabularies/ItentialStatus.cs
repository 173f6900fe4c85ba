using QueueFlow.Contracts;

namespace QueueFlow.Core.Vocabularies;

/// <summary>
/// Itential's job and task statuses (lower case on the wire). Itential's "error" is not final: a job in
/// error can be retried, reverted or continued; QueueFlow reports its Failed as "error" for that reason.
/// </summary>
public static class ItentialStatus
{
    public const string Incomplete = "incomplete";
    public const string Scheduled = "scheduled";
    public const string Running = "running";
    public const string Error = "error";
    public const string Paused = "paused";
    public const string Canceled = "canceled";
    public const string Complete = "complete";

    public static string From(JobStatus status) => status switch
    {
        JobStatus.Running => Running,
        JobStatus.Paused => Paused,
        JobStatus.Completed => Complete,
        JobStatus.Failed => Error,
        JobStatus.Cancelled => Canceled,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static string From(TaskRunStatus status) => status switch
    {
        TaskRunStatus.Pending => Incomplete,
        TaskRunStatus.Scheduled => Scheduled,
        TaskRunStatus.Running => Running,
        TaskRunStatus.Paused => Paused,
        TaskRunStatus.Completed or TaskRunStatus.Skipped => Complete,
        TaskRunStatus.Failed or TaskRunStatus.TimedOut => Error,
        TaskRunStatus.Cancelled => Canceled,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static JobStatus? ToJobStatus(string status) => status switch
    {
        Running or Scheduled or Incomplete => JobStatus.Running,
        Paused => JobStatus.Paused,
        Complete => JobStatus.Completed,
        Error => JobStatus.Failed,
        Canceled => JobStatus.Cancelled,
        _ => null,
    };

    public static TaskRunStatus? ToTaskStatus(string status) => status switch
    {
        Incomplete => TaskRunStatus.Pending,
        Scheduled => TaskRunStatus.Scheduled,
        Running => TaskRunStatus.Running,
        Paused => TaskRunStatus.Paused,
        Complete => TaskRunStatus.Completed,
        Error => TaskRunStatus.Failed,
        Canceled => TaskRunStatus.Cancelled,
        _ => null,
    };
}
