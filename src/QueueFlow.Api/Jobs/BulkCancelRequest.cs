using System.Text.Json.Serialization;

namespace QueueFlow.Api.Jobs;

/// <summary>The body of <c>POST /api/jobs/cancel</c>: the jobs to cancel, at most <see cref="JobControlEndpoints.MaxBulkIds"/>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record BulkCancelRequest
{
    public required IReadOnlyList<Guid> Ids { get; init; }
    public string? Reason { get; init; }
}
