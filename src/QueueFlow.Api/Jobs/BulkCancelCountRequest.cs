using System.Text.Json.Serialization;

namespace QueueFlow.Api.Jobs;

/// <summary>The body of <c>POST /api/jobs/cancel/count</c>: the filter a cancel would be given.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record BulkCancelCountRequest
{
    public JobFilter? Filter { get; init; }
}
