using System.Text.Json.Nodes;
using QueueFlow.Core.Jobs;

namespace QueueFlow.Core.Workflows;

/// <summary>One task of a workflow definition.</summary>
public sealed record TaskDefinition
{
    public required string Id { get; init; }
    public TaskKind Kind { get; init; } = TaskKind.Worker;

    /// <summary>The queue a worker task is dispatched to.</summary>
    public string? Queue { get; init; }

    /// <summary>
    /// The input template: any JSON. A string value that is exactly <c>${variables.x}</c> or
    /// <c>${tasks.t.output.y}</c> is replaced by the value it names when the task is dispatched.
    /// </summary>
    public JsonNode? Input { get; init; }

    /// <summary>How many times a failed attempt is retried: <c>retries = N</c> allows N + 1 runs.</summary>
    public int Retries { get; init; }

    /// <summary>Start-to-close timeout of one attempt, if any.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>What the task's final failure does to the job.</summary>
    public FailurePolicy OnFailure { get; init; } = FailurePolicy.FailJob;
}
