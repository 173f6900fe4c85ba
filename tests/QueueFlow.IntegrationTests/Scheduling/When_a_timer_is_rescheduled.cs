using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Scheduling;

public sealed class When_a_timer_is_rescheduled
{
    [Fact]
    public async Task Should_send_it_once_at_the_new_time_with_the_new_message()
    {
        var name = QueueFlowFixture.Unique("timers-replace");
        var key = $"{name}/moved";
        await using var deliveries = await TimerDeliveries.ListenAsync(name);
        await using var host = await TimerHost.StartAsync(name);

        // Moved later, so the replaced schedule would have fired first had it survived.
        var now = DateTimeOffset.UtcNow;
        await host.Timers.ScheduleAsync(key, now.AddSeconds(1), deliveries.Destination, TimerDeliveries.Message("old"), CancellationToken.None);
        var newDueAt = now.AddSeconds(2);
        await host.Timers.ScheduleAsync(key, newDueAt, deliveries.Destination, TimerDeliveries.Message("new"), CancellationToken.None);
        await host.Timers.ScheduleAsync($"{name}/control", now.AddSeconds(3), deliveries.Destination, TimerDeliveries.Message("control"), CancellationToken.None);

        await deliveries.WaitForAsync("control");
        Assert.Equal(0, deliveries.CountOf("old"));
        Assert.Equal(1, deliveries.CountOf("new"));
        var delivery = deliveries.Received.Single(d => d.Label == "new");
        Assert.True(delivery.ReceivedAt >= newDueAt.AddMilliseconds(-50), $"sent at {delivery.ReceivedAt:O}, before its new time {newDueAt:O}");
    }

    [Fact]
    public async Task Should_send_a_timer_scheduled_twice_alike_once()
    {
        var name = QueueFlowFixture.Unique("timers-retried");
        var key = $"{name}/retried";
        await using var deliveries = await TimerDeliveries.ListenAsync(name);
        await using var host = await TimerHost.StartAsync(name);

        // What a relay that retried after a lost acknowledgement does.
        var dueAt = DateTimeOffset.UtcNow.AddSeconds(1);
        var message = TimerDeliveries.Message("retried");
        await host.Timers.ScheduleAsync(key, dueAt, deliveries.Destination, message, CancellationToken.None);
        await host.Timers.ScheduleAsync(key, dueAt, deliveries.Destination, message, CancellationToken.None);
        Assert.Equal(2, await QuartzRows.StoredRowsOfAsync(name, key));
        await host.Timers.ScheduleAsync($"{name}/control", dueAt.AddSeconds(1.5), deliveries.Destination, TimerDeliveries.Message("control"), CancellationToken.None);

        await deliveries.WaitForAsync("control");
        Assert.Equal(1, deliveries.CountOf("retried"));
    }
}
