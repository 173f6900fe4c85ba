using System.Text.Json.Serialization;

namespace QueueFlow.Api.Jobs;

/// <summary>The optional body of <c>POST /api/jobs/{id}/pause</c>, <c>/resume</c> and <c>/cancel</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record JobControlRequest
{
    /// <summary>Why, kept in the job's history; resume has no use for it.</summary>
    public string? Reason { get; init; }
}
