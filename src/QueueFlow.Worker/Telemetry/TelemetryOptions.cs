using System.ComponentModel.DataAnnotations;

namespace QueueFlow.Worker.Telemetry;

/// <summary>The <c>Telemetry</c> section: what the worker measures and exports.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>
    /// Record spans. Null (the default) records them when an OTLP endpoint is configured
    /// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>), since spans nobody exports only cost CPU.
    /// </summary>
    public bool? Tracing { get; set; }

    /// <summary>How often the per-status, outbox and timer gauges are counted in the database; zero turns the counting off.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan GaugeInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>MassTransit's anonymous usage report to its vendor; off unless asked for.</summary>
    public bool MassTransitUsageTelemetry { get; set; }
}
