using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using QueueFlow.Worker.Telemetry;

namespace QueueFlow.Worker.Hosting;

/// <summary>
/// <c>/health/live</c>: the process is up (no dependency is asked, so a database outage never restarts it);
/// <c>/health/ready</c>: every check but that one (database, broker, timer scheduler, outbox relay);
/// <c>/health</c>: all checks, as before. All anonymous, JSON bodies, 503 when unhealthy.
/// </summary>
public static class HealthEndpoints
{
    public const string LiveCheck = "process";
    public const string LiveTag = "live";
    public const string ReadyTag = "ready";

    public static WebApplication MapQueueFlowHealth(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthResponseWriter.WriteAsync }).AllowAnonymous();
        app.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(LiveTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = c => !c.Tags.Contains(LiveTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).AllowAnonymous();

        // Anonymous like /health: counts and durations only, no job data. Put it behind the network, not a key,
        // since Prometheus scrapers rarely send one.
        app.MapPrometheusScrapingEndpoint(TelemetryServiceCollectionExtensions.MetricsPath).AllowAnonymous();
        return app;
    }
}
