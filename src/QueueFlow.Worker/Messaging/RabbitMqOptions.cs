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
}
