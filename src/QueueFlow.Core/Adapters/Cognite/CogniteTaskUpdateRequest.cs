using System.Text.Json;
using System.Text.Json.Serialization;

namespace QueueFlow.Core.Adapters.Cognite;

/// <summary>The body of Cognite's update task: the status an async-complete task finished with, and output to merge.</summary>
public sealed record CogniteTaskUpdateRequest
{
    /// <summary>COMPLETED, FAILED or FAILED_WITH_TERMINAL_ERROR, as Cognite's API spells them.</summary>
    [JsonPropertyName("status")]
    public string? Status { get; init; }

    /// <summary>Merged into the task's output; a JSON object of at most 100 KB (the saga enforces the size).</summary>
    [JsonPropertyName("output")]
    public JsonElement? Output { get; init; }
}
