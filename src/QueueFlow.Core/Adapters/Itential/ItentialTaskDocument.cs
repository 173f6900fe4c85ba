using System.Text.Json.Serialization;

namespace QueueFlow.Core.Adapters.Itential;

/// <summary>One entry of a job document's <c>tasks</c> map.</summary>
public sealed record ItentialTaskDocument
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Itential's word for the task's status (<see cref="Vocabularies.ItentialStatus"/>).</summary>
    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("metrics")]
    public required ItentialMetrics Metrics { get; init; }
}
