using System.Text.Json;

namespace QueueFlow.Contracts;

/// <summary>A worker could not finish one attempt of a task.</summary>
public sealed record FailTask
{
    public required Guid JobId { get; init; }
    public required string TaskId { get; init; }
    public required Guid AttemptId { get; init; }
    public string? Error { get; init; }

    /// <summary>Never retried when true (Cognite's FAILED_WITH_TERMINAL_ERROR).</summary>
    public bool Terminal { get; init; }

    /// <summary>
    /// The retries left as the worker counts them (Camunda's fail job): 0 fails the task for good, more retries it
    /// whatever the task's <c>retries</c>. Absent, the task's <c>retries</c> decide.
    /// </summary>
    public int? RetriesLeft { get; init; }

    /// <summary>How long the retry waits, in milliseconds (Camunda's retryBackOff). Absent, the task's own backoff.</summary>
    public long? RetryBackOffMs { get; init; }

    /// <summary>
    /// A business error thrown rather than a failure (Camunda's throw error, a BPMN error): the task's transitions
    /// on this state catch it, else those on <c>error</c>; with neither, the task fails for good. Never retried.
    /// </summary>
    public string? ErrorCode { get; init; }

    /// <summary>Merged into the job's variables (Camunda's fail job and throw error carry them). A JSON object.</summary>
    public JsonElement? Variables { get; init; }

    /// <summary>Merged into the task's output. A JSON object.</summary>
    public JsonElement? Output { get; init; }
    /// <summary>Who attempted the work (a worker or user id), kept in the task's metrics.</summary>
    public string? Owner { get; init; }

    public Guid? CommandId { get; init; }
}
