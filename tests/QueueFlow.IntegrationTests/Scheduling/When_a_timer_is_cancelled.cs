using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Scheduling;

public sealed class When_a_timer_is_cancelled
{
    [Fact]
    public async Task Should_never_send_it()
    {
        var name = QueueFlowFixture.Unique("timers-cancel");
        await using var deliveries = await TimerDeliveries.ListenAsync(name);
        await using var host = await TimerHost.StartAsync(name);

        var now = DateTimeOffset.UtcNow;
        await host.Timers.ScheduleAsync($"{name}/cancelled", now.AddSeconds(1.5), deliveries.Destination, TimerDeliveries.Message("cancelled"), CancellationToken.None);
        await host.Timers.ScheduleAsync($"{name}/control", now.AddSeconds(2.5), deliveries.Destination, TimerDeliveries.Message("control"), CancellationToken.None);
        await host.Timers.CancelAsync($"{name}/cancelled", CancellationToken.None);
        Assert.Equal(0, await QuartzRows.RowsOfAsync(name, $"{name}/cancelled"));

        await deliveries.WaitForAsync("control");
        Assert.Equal(0, deliveries.CountOf("cancelled"));
    }

    [Fact]
    public async Task Should_ignore_a_key_it_does_not_know_or_that_already_fired()
    {
        var name = QueueFlowFixture.Unique("timers-cancel-unknown");
        await using var deliveries = await TimerDeliveries.ListenAsync(name);
        await using var host = await TimerHost.StartAsync(name);

        await host.Timers.CancelAsync($"{name}/never-scheduled", CancellationToken.None);

        await host.Timers.ScheduleAsync($"{name}/fired", DateTimeOffset.UtcNow, deliveries.Destination, TimerDeliveries.Message("fired"), CancellationToken.None);
        await deliveries.WaitForAsync("fired");
        await Eventually.Until(() => QuartzRows.RowsOfAsync(name, $"{name}/fired"), n => n == 0, "the fired timer's rows to be gone");
        await host.Timers.CancelAsync($"{name}/fired", CancellationToken.None);
        Assert.Equal(1, deliveries.CountOf("fired"));
    }
}
