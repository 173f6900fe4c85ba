using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Scheduling;

/// <summary>Two instances on one database, as two workers: each timer is sent once, by one of them.</summary>
public sealed class When_two_instances_share_the_timers
{
    const int Timers = 20;

    [Fact]
    public async Task Should_send_each_timer_exactly_once()
    {
        var name = QueueFlowFixture.Unique("timers-two");
        await using var deliveries = await TimerDeliveries.ListenAsync(name);
        await using var first = await TimerHost.StartAsync(name);
        await using var second = await TimerHost.StartAsync(name);
        await Eventually.Until(() => QuartzRows.CheckedInAsync(name), n => n == 2, "both instances to check in to the cluster");

        // Due together, scheduled half through each instance, so both compete for every one.
        var dueAt = DateTimeOffset.UtcNow.AddSeconds(1.5);
        var labels = Enumerable.Range(0, Timers).Select(i => $"timer-{i}").ToList();
        await Task.WhenAll(labels.Select((label, i) => (i % 2 == 0 ? first : second).Timers
            .ScheduleAsync($"{name}/{label}", dueAt, deliveries.Destination, TimerDeliveries.Message(label), CancellationToken.None)));

        // A second firing of any of them would come with it, well before a timer due later.
        await second.Timers.ScheduleAsync($"{name}/control", dueAt.AddSeconds(1.5), deliveries.Destination, TimerDeliveries.Message("control"), CancellationToken.None);
        await deliveries.WaitForAsync("control");

        Assert.All(labels, label => Assert.Equal(1, deliveries.CountOf(label)));
        Assert.Equal(Timers + 1, deliveries.Received.Count);
        Assert.All(deliveries.Received, d => Assert.Equal(RawAmqpClient.MessageTypeOf("StartJob"), d.MessageType));
        Assert.All(deliveries.Received.Where(d => d.Label != "control"), d => Assert.True(d.ReceivedAt >= dueAt.AddMilliseconds(-50), $"{d.Label} came at {d.ReceivedAt:O}, before {dueAt:O}"));

        // Sent timers leave nothing behind in the job store.
        await Eventually.Until(() => QuartzRows.JobsAsync(name), n => n == 0, "the job store to be empty");
    }
}
