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

    /// <summary>The workflow a workflow task runs as a child job, and its version (the newest when absent).</summary>
    public string? Workflow { get; init; }
    public int? WorkflowVersion { get; init; }

    /// <summary>
    /// The input template: any JSON. A string value that is exactly <c>${variables.x}</c> or
    /// <c>${tasks.t.output.y}</c> is replaced by the value it names when the task is dispatched.
    /// </summary>
    public JsonNode? Input { get; init; }

    /// <summary>How many times a failed attempt is retried: <c>retries = N</c> allows N + 1 runs.</summary>
    public int Retries { get; init; }

    /// <summary>Start-to-close timeout of one attempt, if any.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The wait before the first retry; each further retry waits <see cref="RetryBackoffMultiplier"/> times longer.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);
    public double RetryBackoffMultiplier { get; init; } = 2;
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Up to this fraction of the delay is added or taken away at random.</summary>
    public double RetryJitter { get; init; } = 0.1;

    /// <summary>An attempt without a heartbeat for this long times out.</summary>
    public TimeSpan? HeartbeatTimeout { get; init; }

    /// <summary>Whether a timed-out attempt is retried like a failure (Cognite's documentation once said never).</summary>
    public bool RetryOnTimeout { get; init; } = true;

    /// <summary>What the task's final failure does to the job.</summary>
    public FailurePolicy OnFailure { get; init; } = FailurePolicy.FailJob;
}
