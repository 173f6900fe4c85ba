using System.Text.Json.Serialization;

namespace QueueFlow.Api.Tasks;

/// <summary>The body of <c>POST /api/tasks/retry/count</c>: the filter a retry would be given.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record BulkRetryCountRequest
{
    public BulkRetryFilter? Filter { get; init; }
}
