using System.Text.Json.Serialization;

namespace QueueFlow.Api.Jobs;

/// <summary>The body of <c>POST /api/jobs/{id}/tasks/{taskId}/assign</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AssignTaskRequest
{
    /// <summary>The user who will hold the task: the name of the API key they call with.</summary>
    public required string Assignee { get; init; }
}
