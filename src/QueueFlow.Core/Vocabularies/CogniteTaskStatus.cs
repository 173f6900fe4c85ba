using QueueFlow.Contracts;

namespace QueueFlow.Core.Vocabularies;

/// <summary>
/// Cognite Data Fusion workflow task statuses and their canonical meaning. COMPLETED_WITH_ERRORS is a
/// task that failed under the skipTask failure policy: canonically Failed, with the job carrying on.
/// </summary>
public static class CogniteTaskStatus
{
    public const string InProgress = "IN_PROGRESS";
    public const string Canceled = "CANCELED";
    public const string Failed = "FAILED";
    public const string FailedWithTerminalError = "FAILED_WITH_TERMINAL_ERROR";
    public const string Completed = "COMPLETED";
    public const string CompletedWithErrors = "COMPLETED_WITH_ERRORS";
    public const string Scheduled = "SCHEDULED";
    public const string TimedOut = "TIMED_OUT";
    public const string Skipped = "SKIPPED";

    /// <summary>Cognite's word for a task's canonical status; <paramref name="terminalError"/> and <paramref name="carriedOn"/> pick among Cognite's failures.</summary>
    public static string From(TaskRunStatus status, bool terminalError = false, bool carriedOn = false) => status switch
    {
        TaskRunStatus.Pending or TaskRunStatus.Scheduled => Scheduled,
        TaskRunStatus.Running or TaskRunStatus.Paused => InProgress,
        TaskRunStatus.Completed => Completed,
        TaskRunStatus.Failed when carriedOn => CompletedWithErrors,
        TaskRunStatus.Failed when terminalError => FailedWithTerminalError,
        TaskRunStatus.Failed => Failed,
        TaskRunStatus.TimedOut => TimedOut,
        TaskRunStatus.Cancelled => Canceled,
        TaskRunStatus.Skipped => Skipped,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>The canonical status for Cognite's word, or null for a word Cognite does not use.</summary>
    public static TaskRunStatus? ToCanonical(string status) => status switch
    {
        Scheduled => TaskRunStatus.Scheduled,
        InProgress => TaskRunStatus.Running,
        Completed => TaskRunStatus.Completed,
        CompletedWithErrors or Failed or FailedWithTerminalError => TaskRunStatus.Failed,
        TimedOut => TaskRunStatus.TimedOut,
        Canceled => TaskRunStatus.Cancelled,
        Skipped => TaskRunStatus.Skipped,
        _ => null,
    };
}
