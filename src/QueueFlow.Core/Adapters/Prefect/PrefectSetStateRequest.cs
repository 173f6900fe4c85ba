using System.Text.Json.Serialization;

namespace QueueFlow.Core.Adapters.Prefect;

/// <summary>The body of Prefect's <c>POST /api/task_runs/{id}/set_state</c>.</summary>
public sealed record PrefectSetStateRequest
{
    [JsonPropertyName("state")]
    public PrefectState? State { get; init; }

    /// <summary>Skips the orchestration rules, never the validation.</summary>
    [JsonPropertyName("force")]
    public bool Force { get; init; }
}
