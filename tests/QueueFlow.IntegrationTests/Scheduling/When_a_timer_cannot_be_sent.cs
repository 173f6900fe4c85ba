using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Scheduling;

/// <summary>A send that fails (the broker is down) is fired again later, not lost.</summary>
public sealed class When_a_timer_cannot_be_sent
{
    [Fact]
    public async Task Should_fire_it_again_until_it_is_sent_once()
    {
        var name = QueueFlowFixture.Unique("timers-retry");
        var key = $"{name}/stubborn";
        var failures = new FailingSends(2);
        await using var deliveries = await TimerDeliveries.ListenAsync(name);
        await using var host = await TimerHost.StartAsync(name, services: s =>
            s.AddScoped<ISendEndpointProvider>(sp => new FailingSendEndpointProvider(sp.GetRequiredService<IBus>(), failures)));

        await host.Timers.ScheduleAsync(key, DateTimeOffset.UtcNow, deliveries.Destination, TimerDeliveries.Message("stubborn"), CancellationToken.None);

        await deliveries.WaitForAsync("stubborn", TimeSpan.FromSeconds(30));
        Assert.Equal(3, failures.Attempts);
        await Eventually.Until(() => QuartzRows.RowsOfAsync(name, key), n => n == 0, "the sent timer's rows to be gone");
        Assert.Equal(1, deliveries.CountOf("stubborn"));
    }
}
