using QueueFlow.Core.Jobs;
using QueueFlow.Core.Scheduling;

namespace QueueFlow.UnitTests.Jobs;

/// <summary>The outbox destination that carries a watcher's name to the relay.</summary>
public sealed class When_a_watcher_is_addressed
{
    [Theory]
    [InlineData("alice")]
    [InlineData("ops team")]
    [InlineData("dashboards/eu#1?x=y")]
    [InlineData("Zoë 监控")]
    public void Should_give_the_relay_back_the_exact_name(string watcher) =>
        Assert.Equal(watcher, WatchDestination.WatcherOf(WatchDestination.For(watcher)));

    [Fact]
    public void Should_not_claim_other_destinations()
    {
        Assert.Null(WatchDestination.WatcherOf(null));
        Assert.Null(WatchDestination.WatcherOf(new Uri("queue:work.a")));
        Assert.Null(WatchDestination.WatcherOf(TimerRequest.Cancel("k")));
    }
}
