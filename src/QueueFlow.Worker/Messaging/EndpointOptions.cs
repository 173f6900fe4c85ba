using System.ComponentModel.DataAnnotations;

namespace QueueFlow.Worker.Messaging;

/// <summary>The queues QueueFlow consumes and how hard; bound from the <c>Endpoints</c> section.</summary>
public sealed class EndpointOptions
{
    public const string Section = "Endpoints";

    /// <summary>Every job command goes here. Several worker instances consume it as competing consumers.</summary>
    [Required]
    public string JobsQueue { get; set; } = "queueflow-jobs";

    /// <summary>RegisterWorkflow goes here, apart, so a burst of registrations never delays job commands.</summary>
    [Required]
    public string WorkflowsQueue { get; set; } = "queueflow-workflows";

    /// <summary>Messages fetched ahead from the broker.</summary>
    [Range(1, 10_000)]
    public int PrefetchCount { get; set; } = 64;

    /// <summary>Job commands applied at once; each holds one database connection while it runs.</summary>
    [Range(1, 1_000)]
    public int ConcurrentMessageLimit { get; set; } = 16;
}
