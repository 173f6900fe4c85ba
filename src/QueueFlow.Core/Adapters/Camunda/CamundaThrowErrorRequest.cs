using System.Text.Json;
using System.Text.Json.Serialization;

namespace QueueFlow.Core.Adapters.Camunda;

/// <summary>The body of Camunda's <c>POST /v2/jobs/{jobKey}/error</c>: a BPMN error thrown by the worker.</summary>
public sealed record CamundaThrowErrorRequest
{
    /// <summary>Required: the code an error boundary event catches (here, the task's transitions on that state).</summary>
    [JsonPropertyName("errorCode")]
    public string? ErrorCode { get; init; }

    [JsonPropertyName("errorMessage")]
    public string? ErrorMessage { get; init; }

    /// <summary>Merged into the job's variables: a JSON object.</summary>
    [JsonPropertyName("variables")]
    public JsonElement? Variables { get; init; }
}
