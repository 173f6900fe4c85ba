using System.ComponentModel.DataAnnotations;

namespace QueueFlow.Api.Events;

/// <summary>The <c>Api:Events</c> section: how <c>GET /api/events</c> follows the history.</summary>
public sealed class EventsOptions
{
    public const string Section = "Api:Events";

    /// <summary>How often a stream reads the history for new entries while it is idle; a full batch reads again at once.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a stream may stay silent before it sends a <c>: keep-alive</c> comment, so proxies keep it open.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>History entries read at most per poll: what bounds a stream's memory however far behind it starts.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; init; } = 500;
}
