using System.Text.Json.Serialization;

namespace QueueFlow.Api.Jobs;

/// <summary>The body of <c>POST /api/jobs/{id}/revert</c> (Itential's <c>{fromTask, toTask}</c>).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RevertJobRequest
{
    /// <summary>The errored task; the task the job failed on when absent.</summary>
    public string? FromTask { get; init; }
    public required string ToTask { get; init; }
}
