using System.Text.Json;
using System.Text.Json.Serialization;

namespace QueueFlow.Api.Jobs;

/// <summary>The optional body of <c>POST /api/jobs/{id}/tasks/{taskId}/finish</c>: Itential's task data, in camelCase.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record FinishTaskRequest
{
    /// <summary>Chooses the outgoing transitions; <c>success</c> when absent.</summary>
    public string? FinishState { get; init; }

    /// <summary>Merged into the job's variables. A JSON object.</summary>
    public JsonElement? Variables { get; init; }

    /// <summary>Merged into the task's output. A JSON object.</summary>
    public JsonElement? Output { get; init; }
}
