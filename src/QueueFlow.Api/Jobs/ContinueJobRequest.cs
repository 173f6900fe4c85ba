using System.Text.Json.Serialization;

namespace QueueFlow.Api.Jobs;

/// <summary>The optional body of <c>POST /api/jobs/{id}/continue</c> (Itential's <c>fromTask</c>).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ContinueJobRequest
{
    /// <summary>The task to run next; the task the job failed on when absent.</summary>
    public string? FromTask { get; init; }
    public string? Reason { get; init; }
}
