using System.ComponentModel.DataAnnotations;

namespace QueueFlow.Worker.Hosting;

/// <summary>The <c>Health</c> section: when /health/ready calls the outbox relay stuck.</summary>
public sealed class ReadinessOptions
{
    public const string Section = "Health";

    /// <summary>The oldest outbox row may wait this long before the relay counts as stuck (a broker outage shows here too).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan OutboxStuckAfter { get; set; } = TimeSpan.FromMinutes(5);
}
