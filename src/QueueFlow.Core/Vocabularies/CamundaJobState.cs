using QueueFlow.Contracts;

namespace QueueFlow.Core.Vocabularies;

/// <summary>
/// Camunda 8 job states. A Camunda job is one activation of a service task, which is QueueFlow's task
/// attempt; a job in incident (FAILED with no retries left) is a Failed task.
/// </summary>
public static class CamundaJobState
{
    public const string Created = "CREATED";
    public const string Completed = "COMPLETED";
    public const string Failed = "FAILED";
    public const string RetriesUpdated = "RETRIES_UPDATED";
    public const string TimedOut = "TIMED_OUT";
    public const string Canceled = "CANCELED";
    public const string ErrorThrown = "ERROR_THROWN";
    public const string Migrated = "MIGRATED";

    public static string From(TaskRunStatus status) => status switch
    {
        TaskRunStatus.Pending or TaskRunStatus.Scheduled or TaskRunStatus.Running or TaskRunStatus.Paused => Created,
        TaskRunStatus.Completed or TaskRunStatus.Skipped => Completed,
        TaskRunStatus.Failed => Failed,
        TaskRunStatus.TimedOut => TimedOut,
        TaskRunStatus.Cancelled => Canceled,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static TaskRunStatus? ToCanonical(string state) => state switch
    {
        Created or RetriesUpdated or Migrated => TaskRunStatus.Running,
        // A thrown error is a business outcome the model routes: a completion with finish state "error".
        Completed or ErrorThrown => TaskRunStatus.Completed,
        Failed => TaskRunStatus.Failed,
        TimedOut => TaskRunStatus.TimedOut,
        Canceled => TaskRunStatus.Cancelled,
        _ => null,
    };
}
