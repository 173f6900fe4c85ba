using System.Text.Json;
using System.Text.Json.Serialization;

namespace QueueFlow.Api.Jobs;

/// <summary>The body of <c>POST /api/jobs</c>. Unknown fields are refused so a misspelt one is not silently dropped.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record StartJobRequest
{
    public required string Workflow { get; init; }
    public int? Version { get; init; }

    /// <summary>A JSON object: the job's initial variables.</summary>
    public JsonElement? Variables { get; init; }
    public DateTimeOffset? ScheduledAt { get; init; }
}
