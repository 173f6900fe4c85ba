using System.Text.Json.Serialization;

namespace QueueFlow.Api.Jobs;

/// <summary>The optional body of <c>POST /api/jobs/{id}/tasks/{taskId}/retry</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RetryTaskRequest
{
    /// <summary>Why, kept in the job's history.</summary>
    public string? Reason { get; init; }
}
