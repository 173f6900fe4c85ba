using System.Text.Json;
using System.Text.Json.Serialization;

namespace QueueFlow.Core.Adapters.Itential;

/// <summary>A job in the shape of Itential's job document (seed 000): what finish_task and Operations Manager answer.</summary>
public sealed record ItentialJobDocument
{
    /// <summary>The job id: QueueFlow's UUID as 32 lower-case hex digits, the nearest it has to Itential's hex ids.</summary>
    [JsonPropertyName("_id")]
    public required string Id { get; init; }

    /// <summary>The workflow the job runs.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Every task by id, workflow_start and workflow_end included as Itential lists them.</summary>
    [JsonPropertyName("tasks")]
    public required IReadOnlyDictionary<string, ItentialTaskDocument> Tasks { get; init; }

    /// <summary><c>{from: {to: {type, state}}}</c>, from the definition the job runs.</summary>
    [JsonPropertyName("transitions")]
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, ItentialTransition>> Transitions { get; init; }

    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("metrics")]
    public required ItentialMetrics Metrics { get; init; }

    [JsonPropertyName("variables")]
    public JsonElement? Variables { get; init; }

    [JsonPropertyName("watchers")]
    public required IReadOnlyList<string> Watchers { get; init; }

    [JsonPropertyName("error")]
    public required IReadOnlyList<ItentialJobError> Error { get; init; }
}
