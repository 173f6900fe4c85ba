using System.Text.Json.Serialization;

namespace QueueFlow.Core.Adapters.Prefect;

/// <summary>
/// The answer to set_state. <see cref="State"/> is the state the run is in afterwards: the accepted proposal,
/// the state a REJECT put it in instead, or its unchanged current state; null when there is no such run.
/// </summary>
public sealed record PrefectOrchestrationResult
{
    [JsonPropertyName("state")]
    public PrefectState? State { get; init; }

    /// <summary>One of <see cref="PrefectSetStateStatus"/>.</summary>
    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("details")]
    public required PrefectOrchestrationDetails Details { get; init; }
}
