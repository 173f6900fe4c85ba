using MassTransit;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;

namespace QueueFlow.UnitTests.Jobs;

/// <summary>Watchers of a job get a copy of each of its state changes, on the in-memory harness.</summary>
public sealed class When_a_job_is_watched : JobSagaScenario
{
    Task<CommandOutcome> WatchAsync(string watcher) => SendAsync(new WatchJob { JobId = JobId, Watcher = watcher, CommandId = NewId.NextGuid() });

    Task<CommandOutcome> UnwatchAsync(string watcher) => SendAsync(new UnwatchJob { JobId = JobId, Watcher = watcher, CommandId = NewId.NextGuid() });

    IEnumerable<object> SentTo(string watcher) =>
        Job.Changes.Messages.Where(m => m.Destination == new MessageDestination.Watcher(watcher)).Select(m => m.Message);

    [Fact]
    public async Task Should_send_each_state_change_to_the_watcher()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");

        var outcome = await WatchAsync("ops team");

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        Assert.Equal(["ops team"], Job.Watchers);
        Assert.Contains(Job.Changes.History, h => h.Kind == "JobWatched" && h.Detail == "ops team");
        Assert.Empty(SentTo("ops team"));

        await CompleteAsync("a", output: """{ "reserved": "R-1" }""");
        await SendAsync(new PauseJob { JobId = JobId, CommandId = NewId.NextGuid() });

        var sent = SentTo("ops team").ToList();
        Assert.Contains(sent.OfType<TaskStateChanged>(), e => e is { TaskId: "a", To: TaskRunStatus.Completed });
        Assert.Contains(sent.OfType<TaskStateChanged>(), e => e is { TaskId: "b", To: TaskRunStatus.Running });
        Assert.Contains(sent.OfType<JobStateChanged>(), e => e is { From: JobStatus.Running, To: JobStatus.Paused });

        // Every copy is also the published event: watchers get the same messages, not different ones.
        var published = Job.Changes.Messages.Where(m => m.Destination == MessageDestination.Published).Select(m => m.Message).ToList();
        Assert.All(sent, e => Assert.Contains(e, published));
    }

    [Fact]
    public async Task Should_tell_the_watcher_who_takes_gives_and_gives_back_a_manual_task()
    {
        await StartAsync("revisions");
        await WatchAsync("ops team");
        await CompleteAsync("draft", output: """{ "text": "hello" }""");
        var attemptId = Job.FindTask("review")!.AttemptId;

        await SendAsync(new ClaimTask { JobId = JobId, TaskId = "review", User = "alice", CommandId = NewId.NextGuid() });
        await SendAsync(new AssignTask { JobId = JobId, TaskId = "review", Assignee = "bob", AssignedBy = "lead", CommandId = NewId.NextGuid() });
        await SendAsync(new ReleaseTask { JobId = JobId, TaskId = "review", User = "bob", CommandId = NewId.NextGuid() });

        var now = Clock.GetUtcNow();
        Assert.Equal(
        [
            new TaskAssigneeChanged { JobId = JobId, TaskId = "review", AttemptId = attemptId, Change = "Claimed", To = "alice", By = "alice", At = now },
            new TaskAssigneeChanged { JobId = JobId, TaskId = "review", AttemptId = attemptId, Change = "Assigned", From = "alice", To = "bob", By = "lead", At = now },
            new TaskAssigneeChanged { JobId = JobId, TaskId = "review", AttemptId = attemptId, Change = "Released", From = "bob", By = "bob", At = now },
        ], SentTo("ops team").OfType<TaskAssigneeChanged>());

        // A refused claim (the task is not held by the caller, or not running) changes nobody's hold and tells nobody.
        var sentBefore = Job.Changes.Messages.Count;
        await SendAsync(new ReleaseTask { JobId = JobId, TaskId = "review", User = "bob", CommandId = NewId.NextGuid() });
        Assert.DoesNotContain(Job.Changes.Messages.Skip(sentBefore).Select(m => m.Message), m => m is TaskAssigneeChanged);
    }

    [Fact]
    public async Task Should_stop_sending_once_unwatched()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        await WatchAsync("alice");

        var outcome = await UnwatchAsync("alice");
        await CompleteAsync("a", output: """{ "reserved": "R-1" }""");

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        Assert.Empty(Job.Watchers);
        Assert.Empty(SentTo("alice"));
        Assert.True((await UnwatchAsync("alice")).Duplicate);
    }

    [Fact]
    public async Task Should_answer_a_second_watch_as_a_duplicate()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        await WatchAsync("alice");

        var again = await WatchAsync("alice");

        Assert.Equal(CommandStatus.Accepted, again.Status);
        Assert.True(again.Duplicate);
        Assert.Equal(["alice"], Job.Watchers);
    }

    [Fact]
    public async Task Should_reject_a_watcher_that_cannot_be_a_routing_key()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");

        var blank = await WatchAsync(" ");
        var tooLong = await WatchAsync(new string('w', 256));

        Assert.Equal(CommandStatus.Rejected, blank.Status);
        Assert.Equal("watcher must be 1 to 255 bytes of UTF-8 without control characters", blank.Reason);
        Assert.Equal(CommandStatus.Rejected, tooLong.Status);
        Assert.Empty(Job.Watchers);
    }

    [Fact]
    public async Task Should_abort_watching_a_cancelled_job()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        await SendAsync(new CancelJob { JobId = JobId, CommandId = NewId.NextGuid() });

        var outcome = await WatchAsync("alice");

        Assert.Equal(CommandStatus.Aborted, outcome.Status);
    }
}
