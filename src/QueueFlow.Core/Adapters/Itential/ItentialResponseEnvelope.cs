using System.Text.Json;
using System.Text.Json.Serialization;

namespace QueueFlow.Core.Adapters.Itential;

/// <summary>Operations Manager's answer: a message for people, the data asked for, and metadata (empty here).</summary>
public sealed record ItentialResponseEnvelope<T>
{
    [JsonPropertyName("message")]
    public required string Message { get; init; }

    [JsonPropertyName("data")]
    public required T Data { get; init; }

    [JsonPropertyName("metadata")]
    public IReadOnlyDictionary<string, JsonElement> Metadata { get; init; } = new Dictionary<string, JsonElement>();
}
