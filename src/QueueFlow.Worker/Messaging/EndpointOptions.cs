using System.ComponentModel.DataAnnotations;

namespace QueueFlow.Worker.Messaging;

/// <summary>The queues QueueFlow consumes and how hard; bound from the <c>Endpoints</c> section.</summary>
public sealed class EndpointOptions
{
    public const string Section = "Endpoints";

    /// <summary>
    /// Put before every name this deployment has on the broker: its queues (and so their <c>_error</c> and
    /// <c>_skipped</c> queues), the exchanges named after the contracts it publishes and consumes, the task queues
    /// it dispatches to, the watch exchange and its timers' destinations. Two deployments with different prefixes
    /// share a virtual host without seeing each other's messages. Empty (the default) keeps the documented names.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9._:-]{0,100}$", ErrorMessage = "Endpoints:Prefix may hold only letters, digits, '.', '_', ':' and '-' (at most 100).")]
    public string Prefix { get; set; } = string.Empty;

    /// <summary>Every job command goes here. Several worker instances consume it as competing consumers.</summary>
    [Required]
    public string JobsQueue { get; set; } = "queueflow-jobs";

    /// <summary>RegisterWorkflow goes here, apart, so a burst of registrations never delays job commands.</summary>
    [Required]
    public string WorkflowsQueue { get; set; } = "queueflow-workflows";

    /// <summary>Messages fetched ahead from the broker.</summary>
    [Range(1, 10_000)]
    public int PrefetchCount { get; set; } = 64;

    /// <summary>
    /// Job commands applied at once. More wait together for their group's read and commit: ops/bench measured 40 to 60 %
    /// more completions/s at 64 (as many as are fetched ahead) than at 16 (ops/QueueFlow.Bench/RESULTS.md). Each holds
    /// one connection of the process's main pool (Npgsql's Maximum Pool Size, 100 by default) while it runs; what it
    /// needs on the way (a StartJob's workflow lookup, a timer's hand-over) comes from pools of its own (SidePools).
    /// Not 64 by default: with 64 the test of two worker hosts in one process stalled in one clean-clone CI of three
    /// (2026-12-08), with the lookups already apart, for a reason not yet found.
    /// </summary>
    [Range(1, 1_000)]
    public int ConcurrentMessageLimit { get; set; } = 16;

    /// <summary>A name on the broker as this deployment has it: <see cref="Prefix"/> first.</summary>
    public string Name(string entity) => Prefix + entity;
}
