using Microsoft.Extensions.Logging.Console;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using QueueFlow.Core.Telemetry;
using QueueFlow.Scheduling;

namespace QueueFlow.Worker.Telemetry;

/// <summary>
/// OpenTelemetry for the worker: QueueFlow's, MassTransit's, ASP.NET Core's and Npgsql's spans and metrics;
/// metrics always (served at /metrics for Prometheus), spans when exported; OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the standard OTEL_* variables configure it further).
/// </summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>MassTransit's activity source and meter (its instrumentation is built in).</summary>
    public const string MassTransitSource = "MassTransit";

    public const string MetricsPath = "/metrics";

    public static IHostApplicationBuilder AddQueueFlowTelemetry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TimerSchedulingOptions>().BindConfiguration(TimerSchedulingOptions.Section);

        var options = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var tracing = options.Tracing ?? otlp;

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "queueflow-worker"))
            .WithMetrics(metrics => metrics
                // System.Runtime: the runtime's own meter (GC heap after the last collection, working set, thread pool,
                // exceptions), so a dashboard can tell a managed leak from a process that merely reserved memory.
                .AddMeter(QueueFlowTelemetry.Name, MassTransitSource, "System.Runtime")
                .AddAspNetCoreInstrumentation()
                .AddPrometheusExporter());
        if (tracing)
        {
            telemetry.WithTracing(traces => traces
                .AddSource(QueueFlowTelemetry.Name, MassTransitSource)
                .AddAspNetCoreInstrumentation(o => o.Filter = http =>
                    !http.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
                    && !http.Request.Path.StartsWithSegments(MetricsPath, StringComparison.OrdinalIgnoreCase))
                .AddNpgsql());
        }

        if (otlp)
            telemetry.UseOtlpExporter();

        services.AddHostedService<GaugeSampler>();

        // ISO 8601 timestamps unless configured: the plain format needs a space before the level, JSON none.
        services.Configure<SimpleConsoleFormatterOptions>(o => o.TimestampFormat ??= "yyyy-MM-ddTHH:mm:ss.fffZ ");
        services.Configure<JsonConsoleFormatterOptions>(o => o.TimestampFormat ??= "yyyy-MM-ddTHH:mm:ss.fffZ");
        return builder;
    }
}
