using System.Text.Json.Serialization;

namespace QueueFlow.Api.Jobs;

/// <summary>
/// The body of <c>POST /api/jobs/cancel</c>: either <see cref="Ids"/>, the jobs to cancel (at most
/// <see cref="JobControlEndpoints.MaxBulkIds"/>), or a <see cref="Filter"/> with <see cref="Limit"/> and
/// <see cref="Cursor"/> to walk the open jobs it matches a bounded number per request.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record BulkCancelRequest
{
    public IReadOnlyList<Guid>? Ids { get; init; }
    public JobFilter? Filter { get; init; }

    /// <summary>With a filter: the most jobs this request cancels (default <see cref="BulkCancelByFilter.DefaultLimit"/>).</summary>
    public int? Limit { get; init; }

    /// <summary>With a filter: the <c>nextCursor</c> of the previous request, to carry on after the jobs it took.</summary>
    public string? Cursor { get; init; }

    public string? Reason { get; init; }
}
