using System.Text.Json;
using System.Text.Json.Serialization;

namespace QueueFlow.Core.Adapters.Camunda;

/// <summary>The worker's verdict on its own work: a denied completion is refused and the task stays active.</summary>
public sealed record CamundaJobResult
{
    [JsonPropertyName("denied")]
    public bool Denied { get; init; }

    [JsonPropertyName("deniedReason")]
    public string? DeniedReason { get; init; }

    /// <summary>Corrections to a user task's assignee, due date and the like; QueueFlow has no user tasks to correct.</summary>
    [JsonPropertyName("corrections")]
    public JsonElement? Corrections { get; init; }
}
