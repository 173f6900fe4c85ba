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

    /// <summary>Merged into the task's output. A JSON object.</summary>
    public JsonElement? Output { get; init; }
    /// <summary>Who attempted the work (a worker or user id), kept in the task's metrics.</summary>
    public string? Owner { get; init; }

    public Guid? CommandId { get; init; }
}
