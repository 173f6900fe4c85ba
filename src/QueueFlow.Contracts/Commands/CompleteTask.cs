using System.Text.Json;

namespace QueueFlow.Contracts;

/// <summary>A worker (or a person) finished one attempt of a task.</summary>
public sealed record CompleteTask
{
    public required Guid JobId { get; init; }
    public required string TaskId { get; init; }

    /// <summary>The attempt this answers, from <see cref="RunTask.AttemptId"/>; a stale one is rejected.</summary>
    public required Guid AttemptId { get; init; }

    /// <summary>Chooses the outgoing transitions; <c>success</c> when absent.</summary>
    public string? FinishState { get; init; }

    /// <summary>Merged into the task's output (keys replaced, others kept). A JSON object.</summary>
    public JsonElement? Output { get; init; }

    /// <summary>Merged into the job's variables. A JSON object.</summary>
    public JsonElement? Variables { get; init; }

    /// <summary>Camunda's completion result: a denied completion is rejected and the task stays running.</summary>
    public CompletionResult? Result { get; init; }
    /// <summary>Who did the work (a worker or user id), kept in the task's metrics.</summary>
    public string? Owner { get; init; }

    public Guid? CommandId { get; init; }
}
