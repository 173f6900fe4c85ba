using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace QueueFlow.IntegrationTests.Infrastructure;

/// <summary>
/// Awaits an in-process worker's bus being connected with every receive endpoint ready. MassTransit starts the
/// bus in the background of the host's start; a host stopped while its endpoints are still connecting can leave
/// them consuming from the shared queues after the host (and its service provider) is gone, and such a consumer
/// fails every message it takes with "Cannot access a disposed object". A test that starts a whole worker only
/// for a moment awaits this before it ends, so its host always stops a started bus.
/// </summary>
public static class BusReadiness
{
    public static Task UntilStartedAsync(IServiceProvider services) =>
        Eventually.Until(
            () => Task.FromResult(services.GetRequiredService<IBusControl>().CheckHealth().Status),
            status => status == BusHealthStatus.Healthy,
            "the worker's bus to be started");
}
