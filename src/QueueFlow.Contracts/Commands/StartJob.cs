using System.Text.Json;

namespace QueueFlow.Contracts;

/// <summary>
/// Starts one run of a registered workflow. The caller chooses <see cref="JobId"/>, so a retried
/// StartJob with the same id starts nothing new and is answered like the first.
/// </summary>
public sealed record StartJob
{
    public required Guid JobId { get; init; }
    public required string Workflow { get; init; }

    /// <summary>The definition's version; the newest registered one when absent.</summary>
    public int? Version { get; init; }

    /// <summary>The job's initial variables: a JSON object.</summary>
    public JsonElement? Variables { get; init; }

    /// <summary>When the first tasks may start; at once when absent or past.</summary>
    public DateTimeOffset? ScheduledAt { get; init; }
    /// <summary>Who started the job (a user or system id), kept in its metrics.</summary>
    public string? Owner { get; init; }

    /// <summary>Set when a workflow task of another job starts this one as its child.</summary>
    public ParentTask? Parent { get; init; }

    public Guid? CommandId { get; init; }
}
