using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Scheduling;

/// <summary>
/// A timer long past due (every instance was down when it fell due, or the relay was late) is past
/// Quartz's misfire threshold: it must be sent at once, not skipped as a missed firing.
/// </summary>
public sealed class When_a_timer_is_already_due
{
    [Fact]
    public async Task Should_send_it_at_once()
    {
        var name = QueueFlowFixture.Unique("timers-late");
        await using var deliveries = await TimerDeliveries.ListenAsync(name);
        await using var host = await TimerHost.StartAsync(name);

        await host.Timers.ScheduleAsync($"{name}/late", DateTimeOffset.UtcNow.AddMinutes(-10), deliveries.Destination, TimerDeliveries.Message("late"), CancellationToken.None);

        await deliveries.WaitForAsync("late", TimeSpan.FromSeconds(15));
        Assert.Equal(1, deliveries.CountOf("late"));
    }
}
