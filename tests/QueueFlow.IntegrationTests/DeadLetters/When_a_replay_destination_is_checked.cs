using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using QueueFlow.IntegrationTests.Infrastructure;
using QueueFlow.Persistence.DeadLetters;
using QueueFlow.Worker.DeadLetters;
using QueueFlow.Worker.Messaging;

namespace QueueFlow.IntegrationTests.DeadLetters;

/// <summary>
/// The destinations a replay may name, checked before anything is sent: what the broker takes, nothing else; and when
/// the broker cannot be asked, that is said instead of a guess.
/// </summary>
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
    public async Task Should_say_the_broker_could_not_be_asked_rather_than_guess()
    {
        // Nothing listens on this port: the management API cannot be read, so the destination is neither taken nor refused.
        using var management = new RabbitMqManagementApi(Options.Create(new RabbitMqOptions
        {
            Host = "127.0.0.1", ManagementPort = 9, VirtualHost = TestSettings.RabbitVirtualHost, ManagementTimeout = TimeSpan.FromSeconds(2),
        }));
        var check = new RabbitMqReplayDestinationCheck(management, Options.Create(new EndpointOptions()), NullLogger<RabbitMqReplayDestinationCheck>.Instance);

        var verdict = await check.CheckAsync("queue:billing", CancellationToken.None);

        Assert.Equal((true, null), (verdict.BrokerUnreadable, verdict.Problem));
    }

    [Fact]
    public void Should_refuse_a_name_longer_than_the_broker_takes()
    {
        Assert.Null(ReplayDestination.Problem("queue:" + new string('q', ReplayDestination.MaxNameLength)));
        Assert.Equal("destination's name is 256 characters long; the broker takes at most 255.",
            ReplayDestination.Problem("queue:" + new string('q', ReplayDestination.MaxNameLength + 1)));
    }
}
