using System.ComponentModel.DataAnnotations;

namespace QueueFlow.Worker.DeadLetters;

/// <summary>Which error queues feed the dead-letter store and how; bound from the <c>DeadLetters</c> section.</summary>
public sealed class DeadLetterOptions
{
    public const string Section = "DeadLetters";

    /// <summary>
    /// The error queues to empty into the store. Empty (the default) means the error queue of every queue QueueFlow
    /// consumes: <c>Endpoints:JobsQueue</c> and <c>Endpoints:WorkflowsQueue</c>, each with <c>_error</c> appended, after the deployment's <c>Endpoints:Prefix</c>.
    /// </summary>
    public List<string> ErrorQueues { get; init; } = [];

    /// <summary>Messages taken ahead from each error queue; each waits for its row's commit before it is acknowledged.</summary>
    [Range(1, 1000)]
    public ushort PrefetchCount { get; init; } = 16;

    /// <summary>How long to wait before trying again after the database or the broker failed, or while an error queue does not exist yet.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Off leaves the error queues alone (messages then wait there).</summary>
    public bool Enabled { get; init; } = true;
}
