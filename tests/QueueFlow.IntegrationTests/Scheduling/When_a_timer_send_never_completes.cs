using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Scheduling;

/// <summary>
/// Found by ops/chaos: a timer that fired just as RabbitMQ was killed waited for its send's confirmation for
/// as long as the run lasted; the timeout it carried never fired again, its job hung, and the worker could
/// not stop gracefully. A send not confirmed within the send timeout now counts as failed and is fired again.
/// </summary>
public sealed class When_a_timer_send_never_completes
{
    [Fact]
    public async Task Should_give_up_on_it_and_fire_the_timer_again()
    {
        var name = QueueFlowFixture.Unique("timers-hang");
        var key = $"{name}/hung";
        var hangs = new FailingSends(1);
        await using var deliveries = await TimerDeliveries.ListenAsync(name);
        await using var host = await TimerHost.StartAsync(name, o => o.SendTimeout = TimeSpan.FromSeconds(2));
        using var observer = host.Host.Services.GetRequiredService<IBus>().ConnectSendObserver(new HangingSends("hung", hangs));

        await host.Timers.ScheduleAsync(key, DateTimeOffset.UtcNow, deliveries.Destination, TimerDeliveries.Message("hung"), CancellationToken.None);

        // The first send hangs; the timer is fired again and its message arrives, well before the hang would end.
        await deliveries.WaitForAsync("hung", TimeSpan.FromSeconds(30));
        Assert.Equal(2, hangs.Attempts);
        await Eventually.Until(() => QuartzRows.RowsOfAsync(name, key), n => n == 0, "the sent timer's rows to be gone");
        Assert.Equal(1, deliveries.CountOf("hung"));
    }
}
