using System.Text.Json;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;
using QueueFlow.Core.Scheduling;
using QueueFlow.Persistence.Outbox;

namespace QueueFlow.IntegrationTests.Persistence;

/// <summary>
/// The rules name where a message goes, and which timer to set or remove, as typed records; the outbox row keeps that
/// as an address the relay reads back. What the relay reads must be exactly what the rules said, for every kind.
/// </summary>
public sealed class When_a_change_becomes_outbox_rows
{
    private static readonly Guid JobId = Guid.NewGuid();
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 11, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Should_publish_a_published_message_and_carry_no_request_id()
    {
        var row = Row(new OutgoingMessage(Event(), MessageDestination.Published, Guid.NewGuid()));

        Assert.Null(row.Destination);
        Assert.Null(row.RequestId);
        Assert.Equal(typeof(JobStateChanged).FullName, row.MessageType);
    }

    [Theory]
    [InlineData("warehouse.reserve")]
    [InlineData("billing/charge eu")]
    [InlineData("Zoë:queue")]
    public void Should_send_a_task_to_the_exact_queue_its_definition_names(string queue)
    {
        var row = Row(new OutgoingMessage(Event(), new MessageDestination.Worker(queue), Guid.NewGuid()));

        Assert.Equal(queue, TaskQueueDestination.QueueOf(row.Destination));
        Assert.Null(WatchDestination.WatcherOf(row.Destination));
        Assert.Null(TimerRequest.From(row.Destination));
    }

    [Theory]
    [InlineData("ops team")]
    [InlineData("dashboards/eu#1?x=y")]
    public void Should_send_a_watchers_copy_to_that_watcher_alone(string watcher)
    {
        var row = Row(new OutgoingMessage(Event(), new MessageDestination.Watcher(watcher), Guid.NewGuid()));

        Assert.Equal(watcher, WatchDestination.WatcherOf(row.Destination));
        Assert.Null(TaskQueueDestination.QueueOf(row.Destination));
    }

    [Fact]
    public void Should_reply_to_the_requesters_address_with_its_request_id()
    {
        var requestId = Guid.NewGuid();
        var address = new Uri("rabbitmq://localhost/client-reply-queue?temporary=true");
        var message = new OutgoingMessage(Event(), new MessageDestination.Reply(address, requestId), Guid.NewGuid());

        var row = Row(message);

        Assert.Equal(address, row.Destination);
        Assert.Equal(requestId, row.RequestId);
        Assert.Equal(message.MessageId, row.MessageId);
    }

    [Fact]
    public void Should_hand_a_timer_to_the_store_with_its_key_time_and_message()
    {
        var dueAt = Now.AddMinutes(5).AddMilliseconds(250);
        var fired = new ExpireJob { JobId = JobId };
        var timer = TimerChange.Set($"job/{JobId}/deadline", dueAt, fired);

        var row = OutboxMessages.ToRow(JobId, timer, Now, trace: null);

        Assert.Equal(new TimerRequest(timer.Timer.Key, dueAt), TimerRequest.From(row.Destination));
        Assert.Equal(timer.Id, row.MessageId);
        Assert.Equal(typeof(ExpireJob).FullName, row.MessageType);
        Assert.Equal(JobId, JsonSerializer.Deserialize<ExpireJob>(row.Body, OutboxMessages.Json)!.JobId);
    }

    [Fact]
    public void Should_remove_a_timer_by_its_key_alone()
    {
        var row = OutboxMessages.ToRow(JobId, TimerChange.Cancel("job/a b/task?x", new ExpireJob { JobId = JobId }), Now, trace: null);

        var request = TimerRequest.From(row.Destination);

        Assert.NotNull(request);
        Assert.True(request.IsCancel);
        Assert.Equal("job/a b/task?x", request.Key);
    }

    private static OutboxMessage Row(OutgoingMessage message) => OutboxMessages.ToRow(JobId, message, Now, trace: null);

    private static JobStateChanged Event() => new() { JobId = JobId, Workflow = "w", To = JobStatus.Running, At = Now };
}
