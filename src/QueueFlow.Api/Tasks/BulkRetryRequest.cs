using System.Text.Json.Serialization;

namespace QueueFlow.Api.Tasks;

/// <summary>The body of <c>POST /api/tasks/retry</c>: a filter, at most <see cref="Limit"/> tasks a request, carried on with <see cref="Cursor"/>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record BulkRetryRequest
{
    public BulkRetryFilter? Filter { get; init; }

    /// <summary>The most tasks this request retries (default <see cref="BulkRetryByFilter.DefaultLimit"/>).</summary>
    public int? Limit { get; init; }

    /// <summary>The <c>nextCursor</c> of the previous request, to carry on after the tasks it took.</summary>
    public string? Cursor { get; init; }

    public string? Reason { get; init; }
}
