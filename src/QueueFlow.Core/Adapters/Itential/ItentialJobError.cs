using System.Text.Json.Serialization;

namespace QueueFlow.Core.Adapters.Itential;

/// <summary>One entry of a job's <c>error</c> list: the task it came from (or <c>job</c>), what happened, when (epoch ms).</summary>
public sealed record ItentialJobError
{
    [JsonPropertyName("task")]
    public required string Task { get; init; }

    [JsonPropertyName("message")]
    public required string Message { get; init; }

    [JsonPropertyName("timestamp")]
    public required long Timestamp { get; init; }
}
