using System.Text.Json;
using System.Text.Json.Serialization;

namespace QueueFlow.Core.Adapters.Camunda;

/// <summary>The body of Camunda's <c>POST /v2/jobs/{jobKey}/failure</c>; every member is optional, as in Camunda.</summary>
public sealed record CamundaFailJobRequest
{
    /// <summary>The retries the job has left, as the worker counts them: 0 (the default) raises an incident.</summary>
    [JsonPropertyName("retries")]
    public int? Retries { get; init; }

    [JsonPropertyName("errorMessage")]
    public string? ErrorMessage { get; init; }

    /// <summary>Milliseconds before the retry (default 0: at once).</summary>
    [JsonPropertyName("retryBackOff")]
    public long? RetryBackOff { get; init; }

    /// <summary>Merged into the job's variables: a JSON object.</summary>
    [JsonPropertyName("variables")]
    public JsonElement? Variables { get; init; }
}
