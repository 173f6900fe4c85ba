using System.Text.Json.Serialization;

namespace QueueFlow.Core.Adapters.Itential;

/// <summary>The data of a finished task: the finish state that picks the outgoing transitions, and its variables.</summary>
public sealed record ItentialTaskData
{
    /// <summary>success, error, loop, … ; success when absent (error when the variables carry an error).</summary>
    [JsonPropertyName("finish_state")]
    public string? FinishState { get; init; }

    [JsonPropertyName("variables")]
    public ItentialTaskVariables? Variables { get; init; }
}
