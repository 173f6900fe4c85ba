using System.Text.Json.Serialization;

namespace QueueFlow.Api.Jobs;

/// <summary>The body of <c>POST /api/jobs/continue</c>: the Failed jobs of a filter, a page per request, each continued from the task it failed on.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record BulkContinueRequest
{
    public JobFilter? Filter { get; init; }

    /// <summary>The most jobs this request continues (default <see cref="BulkContinueByFilter.DefaultLimit"/>).</summary>
    public int? Limit { get; init; }

    /// <summary>The <c>nextCursor</c> of the previous request.</summary>
    public string? Cursor { get; init; }

    public string? Reason { get; init; }
}
