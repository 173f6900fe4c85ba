using Microsoft.AspNetCore.Hosting;
using QueueFlow.IntegrationTests.Api;

namespace QueueFlow.IntegrationTests.Observability;

/// <summary>The worker host with spans recorded (no exporter: the trace context on the wire is what is checked) and gauges counted every second.</summary>
public sealed class ObservedWorkerFactory : IDisposable
{
    public ApiFactory Api { get; } = new();

    public ObservedWorkerFactory() =>
        Api.ConfigureExtra = web =>
        {
            web.UseSetting("Telemetry:Tracing", "true");
            web.UseSetting("Telemetry:GaugeInterval", "00:00:01");
        };

    public void Dispose() => Api.Dispose();
}
