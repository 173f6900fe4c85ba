using QueueFlow.Core.Jobs;
using QueueFlow.Core.Scheduling;

namespace QueueFlow.UnitTests.Jobs;

/// <summary>The outbox destination that carries a worker task's queue to the relay, which names it on the broker.</summary>
public sealed class When_a_task_queue_is_addressed
{
    [Theory]
    [InlineData("warehouse.reserve")]
    [InlineData("billing/charge eu")]
    [InlineData("Zoë:queue")]
    public void Should_give_the_relay_back_the_exact_queue(string queue) =>
        Assert.Equal(queue, TaskQueueDestination.QueueOf(TaskQueueDestination.For(queue)));

    [Fact]
    public void Should_not_claim_other_destinations()
    {
        Assert.Null(TaskQueueDestination.QueueOf(null));
        Assert.Null(TaskQueueDestination.QueueOf(new Uri("queue:work.a")));
        Assert.Null(TaskQueueDestination.QueueOf(WatchDestination.For("alice")));
        Assert.Null(TaskQueueDestination.QueueOf(TimerRequest.Cancel("k")));
    }
}
