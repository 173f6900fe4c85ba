using System.Text.Json.Serialization;

namespace QueueFlow.Contracts;

/// <summary>
/// The canonical status of one task inside a job. Named TaskRunStatus so it never collides with
/// System.Threading.Tasks.TaskStatus in client code.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<TaskRunStatus>))]
public enum TaskRunStatus
{
    /// <summary>Not reached yet.</summary>
    Pending,

    /// <summary>Ready, possibly for a later time (a start time or a retry backoff).</summary>
    Scheduled,

    /// <summary>Dispatched to a worker, or waiting for a person.</summary>
    Running,
    Paused,
    Completed,
    Failed,
    TimedOut,
    Cancelled,
    Skipped,
}
