using System.Text.Json;

namespace QueueFlow.Contracts;

/// <summary>Published once when a job reaches workflow_end.</summary>
public sealed record JobCompleted
{
    public required Guid JobId { get; init; }
    public required string Workflow { get; init; }
    public required JsonElement Variables { get; init; }
    public required DateTimeOffset At { get; init; }
}
