using System.Text.Json;
using System.Text.Json.Serialization;

namespace QueueFlow.Core.Adapters.Camunda;

/// <summary>The body of Camunda's <c>POST /v2/jobs/{jobKey}/completion</c>; every member is optional.</summary>
public sealed record CamundaCompleteJobRequest
{
    /// <summary>Merged into the job's variables: a JSON object.</summary>
    [JsonPropertyName("variables")]
    public JsonElement? Variables { get; init; }

    [JsonPropertyName("result")]
    public CamundaJobResult? Result { get; init; }
}
