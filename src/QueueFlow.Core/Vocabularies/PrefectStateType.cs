using QueueFlow.Contracts;

namespace QueueFlow.Core.Vocabularies;

/// <summary>Prefect's state types and the canonical status each proposes or reports.</summary>
public static class PrefectStateType
{
    public const string Scheduled = "SCHEDULED";
    public const string Pending = "PENDING";
    public const string Running = "RUNNING";
    public const string Completed = "COMPLETED";
    public const string Failed = "FAILED";
    public const string Cancelled = "CANCELLED";
    public const string Crashed = "CRASHED";
    public const string Paused = "PAUSED";
    public const string Cancelling = "CANCELLING";

    public static readonly IReadOnlyList<string> All = [Scheduled, Pending, Running, Completed, Failed, Cancelled, Crashed, Paused, Cancelling];

    /// <summary>
    /// The canonical status a proposal of this type asks for. PENDING (about to run) is Scheduled, CRASHED a
    /// Failed, CANCELLING a Cancelled: QueueFlow has no separate in-between states for them.
    /// </summary>
    public static TaskRunStatus? ToCanonical(string type) => type switch
    {
        Scheduled or Pending => TaskRunStatus.Scheduled,
        Running => TaskRunStatus.Running,
        Completed => TaskRunStatus.Completed,
        Failed or Crashed => TaskRunStatus.Failed,
        Cancelled or Cancelling => TaskRunStatus.Cancelled,
        Paused => TaskRunStatus.Paused,
        _ => null,
    };

    /// <summary>The type a canonical status is reported as. A task not reached yet is PENDING; Skipped and TimedOut end as COMPLETED and FAILED.</summary>
    public static string From(TaskRunStatus status) => status switch
    {
        TaskRunStatus.Pending => Pending,
        TaskRunStatus.Scheduled => Scheduled,
        TaskRunStatus.Running => Running,
        TaskRunStatus.Paused => Paused,
        TaskRunStatus.Completed or TaskRunStatus.Skipped => Completed,
        TaskRunStatus.Failed or TaskRunStatus.TimedOut => Failed,
        TaskRunStatus.Cancelled => Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
