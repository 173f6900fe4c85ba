using System.Text.Json;
using System.Text.Json.Serialization;

namespace QueueFlow.Core.Adapters.Prefect;

/// <summary>
/// A Prefect state, both as proposed in a set_state request and as returned in its answer.
/// <see cref="Type"/> is kept as text so an unknown type is reported by name rather than failing the parse.
/// </summary>
public sealed record PrefectState
{
    [JsonPropertyName("id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Id { get; init; }

    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("timestamp")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? Timestamp { get; init; }

    [JsonPropertyName("message")]
    public string? Message { get; init; }

    /// <summary>A result; QueueFlow merges it into the task's output when it is a JSON object.</summary>
    [JsonPropertyName("data")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? Data { get; init; }

    [JsonPropertyName("state_details")]
    public PrefectStateDetails? StateDetails { get; init; }
}
