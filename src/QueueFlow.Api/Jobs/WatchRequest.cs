using System.Text.Json.Serialization;

namespace QueueFlow.Api.Jobs;

/// <summary>The optional body of <c>POST /api/jobs/{id}/watch</c> and <c>/unwatch</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record WatchRequest
{
    /// <summary>The watcher (the routing key its events are sent with); the caller's key name when absent.</summary>
    public string? Watcher { get; init; }
}
