using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Scheduling;

/// <summary>Timers live in the database, not in the process that scheduled them.</summary>
public sealed class When_the_scheduling_instance_restarts
{
    // Stopping an instance waits out its scheduler's idle wait and the bus's stop, which on a busy
    // two-core machine has taken more than two seconds; the timers are set far enough out that the
    // instance is certainly down before they fall due, or the tests would prove nothing.
    static readonly TimeSpan DueIn = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task Should_send_a_timer_the_stopped_instance_scheduled_from_the_next_one()
    {
        var name = QueueFlowFixture.Unique("timers-restart");
        var key = $"{name}/survivor";
        await using var deliveries = await TimerDeliveries.ListenAsync(name);

        DateTimeOffset dueAt;
        await using (var before = await TimerHost.StartAsync(name))
        {
            dueAt = DateTimeOffset.UtcNow + DueIn;
            await before.Timers.ScheduleAsync(key, dueAt, deliveries.Destination, TimerDeliveries.Message("survivor"), CancellationToken.None);
            await before.StopAsync();
        }

        Assert.True(DateTimeOffset.UtcNow < dueAt, "the first instance stopped only after the timer was due; the test proves nothing");
        Assert.Empty(deliveries.Received);
        Assert.Equal(2, await QuartzRows.StoredRowsOfAsync(name, key));

        await using var after = await TimerHost.StartAsync(name);
        var delivery = await deliveries.WaitForAsync("survivor");
        Assert.True(delivery.ReceivedAt >= dueAt.AddMilliseconds(-50), $"sent at {delivery.ReceivedAt:O}, before {dueAt:O}");

        await after.Timers.ScheduleAsync($"{name}/control", DateTimeOffset.UtcNow.AddSeconds(1), deliveries.Destination, TimerDeliveries.Message("control"), CancellationToken.None);
        await deliveries.WaitForAsync("control");
        Assert.Equal(1, deliveries.CountOf("survivor"));
        await Eventually.Until(() => QuartzRows.RowsOfAsync(name, key), n => n == 0, "the sent timer's rows to be gone");
    }

    [Fact]
    public async Task Should_send_a_timer_that_fell_due_while_every_instance_was_down()
    {
        var name = QueueFlowFixture.Unique("timers-outage");
        var key = $"{name}/missed";
        var misfireThreshold = TimeSpan.FromSeconds(1);
        await using var deliveries = await TimerDeliveries.ListenAsync(name);

        DateTimeOffset dueAt;
        await using (var before = await TimerHost.StartAsync(name, o => o.MisfireThreshold = misfireThreshold))
        {
            dueAt = DateTimeOffset.UtcNow + DueIn;
            await before.Timers.ScheduleAsync(key, dueAt, deliveries.Destination, TimerDeliveries.Message("missed"), CancellationToken.None);
            await before.StopAsync();
        }

        Assert.True(DateTimeOffset.UtcNow < dueAt, "the first instance stopped only after the timer was due; the test proves nothing");

        // The outage itself: nothing runs until the timer is past the misfire threshold, so the next
        // instance meets it as a misfire, which a one-shot trigger's default policies could skip.
        await Eventually.Until(() => Task.FromResult(DateTimeOffset.UtcNow), now => now > dueAt + (2 * misfireThreshold), "the timer to be past the misfire threshold");
        Assert.Empty(deliveries.Received);

        await using var after = await TimerHost.StartAsync(name, o => o.MisfireThreshold = misfireThreshold);
        await deliveries.WaitForAsync("missed", TimeSpan.FromSeconds(15));
        Assert.Equal(1, deliveries.CountOf("missed"));
    }
}
