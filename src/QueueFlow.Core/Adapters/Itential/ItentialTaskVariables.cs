using System.Text.Json;
using System.Text.Json.Serialization;

namespace QueueFlow.Core.Adapters.Itential;

/// <summary>
/// A finished task's variables as Itential sends them. Only <see cref="Outgoing"/> and <see cref="Error"/> change
/// the job: <see cref="Incoming"/> is what the task was given (QueueFlow resolved it from the definition at
/// dispatch and does not let a finisher rewrite it) and <see cref="Translations"/> is presentation only.
/// </summary>
public sealed record ItentialTaskVariables
{
    [JsonPropertyName("incoming")]
    public JsonElement? Incoming { get; init; }

    /// <summary>The task's outputs: merged into the task's output. A JSON object.</summary>
    [JsonPropertyName("outgoing")]
    public JsonElement? Outgoing { get; init; }

    [JsonPropertyName("translations")]
    public JsonElement? Translations { get; init; }

    /// <summary>The task's error: Itential sends "" when there is none, and a string or an object when there is.</summary>
    [JsonPropertyName("error")]
    public JsonElement? Error { get; init; }
}
