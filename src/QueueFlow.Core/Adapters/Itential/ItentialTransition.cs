using System.Text.Json.Serialization;

namespace QueueFlow.Core.Adapters.Itential;

/// <summary>The value of <c>transitions[from][to]</c>: taken when <c>from</c> finishes with <see cref="State"/>.</summary>
public sealed record ItentialTransition
{
    /// <summary>QueueFlow's transitions are all Itential's "standard"; it has no "revert" transitions.</summary>
    public const string Standard = "standard";

    [JsonPropertyName("type")]
    public string Type { get; init; } = Standard;

    [JsonPropertyName("state")]
    public required string State { get; init; }
}
