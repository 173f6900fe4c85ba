using QueueFlow.Persistence.DeadLetters;

namespace QueueFlow.IntegrationTests.DeadLetters;

/// <summary>The destinations a replay may name, checked before anything is sent: what the broker takes, nothing else.</summary>
public sealed class When_a_replay_destination_is_checked
{
    [Theory]
    [InlineData("exchange:queueflow-jobs")]
    [InlineData("exchange:QueueFlow.Contracts:CompleteTask")]
    [InlineData("queue:billing_v2")]
    [InlineData("task:reports.monthly")]
    public void Should_take_an_exchange_a_queue_or_a_task_queue_by_name(string destination) =>
        Assert.Null(ReplayDestination.Problem(destination));

    [Theory]
    [InlineData("", "must be exchange:NAME, queue:NAME or task:NAME, not ''")]
    [InlineData("billing", "must be exchange:NAME, queue:NAME or task:NAME, not 'billing'")]
    [InlineData(":billing", "must be exchange:NAME, queue:NAME or task:NAME")]
    [InlineData("Queue:billing", "must be exchange:NAME, queue:NAME or task:NAME")]
    [InlineData("rabbitmq://elsewhere/billing", "must be exchange:NAME, queue:NAME or task:NAME")]
    [InlineData("task:", "names no task")]
    [InlineData("queue:billing/v2", "may hold only letters, digits, '.', '_', '-' and ':'")]
    [InlineData("queue:billing\n", "may hold only letters, digits")]
    [InlineData("exchange:amq.topic", "reserved by the broker")]
    public void Should_refuse_anything_else_and_say_why(string destination, string says) =>
        Assert.Contains(says, ReplayDestination.Problem(destination), StringComparison.Ordinal);

    [Fact]
    public void Should_refuse_a_name_longer_than_the_broker_takes()
    {
        Assert.Null(ReplayDestination.Problem("queue:" + new string('q', ReplayDestination.MaxNameLength)));
        Assert.Equal("destination's name is 256 characters long; the broker takes at most 255.",
            ReplayDestination.Problem("queue:" + new string('q', ReplayDestination.MaxNameLength + 1)));
    }
}
