using System.ComponentModel.DataAnnotations;

namespace QueueFlow.Worker.Messaging;

/// <summary>Where the broker is; bound from the <c>RabbitMq</c> section and validated at start-up.</summary>
public sealed class RabbitMqOptions
{
    public const string Section = "RabbitMq";

    [Required]
    public string Host { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public ushort Port { get; set; } = 5672;

    [Required]
    public string VirtualHost { get; set; } = "/";

    [Required]
    public string Username { get; set; } = string.Empty;

    [Required]
    public string Password { get; set; } = string.Empty;

    /// <summary>The management API's port on <see cref="Host"/> (same user), read for the task queues' backlog by <c>GET /api/stats</c> and <c>/api/overview</c>.</summary>
    [Range(1, 65535)]
    public ushort ManagementPort { get; set; } = 15672;

    /// <summary>How long a backlog read may take before the answer goes out with the backlog unknown.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan ManagementTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
