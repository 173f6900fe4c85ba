using MassTransit;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;

namespace QueueFlow.UnitTests.Jobs;

public sealed class When_a_worker_result_cannot_be_applied : JobSagaScenario
{
    [Fact]
    public async Task Should_record_a_completion_naming_an_attempt_the_task_never_had()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        var unknown = NewId.NextGuid();

        var outcome = await CompleteAsync("a", attemptId: unknown);

        Assert.Equal(CommandStatus.Rejected, outcome.Status);
        var row = Assert.Single(Job.Changes.History, h => h.Kind == "CommandRejected");
        Assert.Equal("a", row.TaskId);
        Assert.Equal(unknown, row.AttemptId);
        Assert.Equal($"CompleteTask: task 'a' has no attempt {unknown}", row.Detail);
    }

    [Fact]
    public async Task Should_record_a_completion_naming_a_task_the_job_does_not_have()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        var attempt = NewId.NextGuid();

        var outcome = await SendAsync(new CompleteTask { JobId = JobId, TaskId = "nope", AttemptId = attempt, CommandId = NewId.NextGuid() });

        Assert.Equal(CommandStatus.Rejected, outcome.Status);
        Assert.Equal("nope", outcome.TaskId);
        var row = Assert.Single(Job.Changes.History, h => h.Kind == "CommandRejected");
        Assert.Equal("nope", row.TaskId);
        Assert.Equal(attempt, row.AttemptId);
        Assert.Equal($"CompleteTask: job {JobId} has no task 'nope'", row.Detail);
    }

    [Fact]
    public async Task Should_record_a_stale_rejection_against_the_attempt_the_command_named()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        var first = Task("a").AttemptId!.Value;
        await FailAsync("a", "warehouse offline");
        await FireTimerAsync<StartScheduledTask>(m => m.TaskId == "a");
        Assert.NotEqual(first, Task("a").AttemptId);

        var stale = await CompleteAsync("a", attemptId: first);

        Assert.Equal(CommandStatus.Rejected, stale.Status);
        var row = Assert.Single(Job.Changes.History, h => h.Kind == "CommandRejected" && h.Detail!.StartsWith("CompleteTask: stale attempt", StringComparison.Ordinal));
        Assert.Equal(first, row.AttemptId);
    }

    [Fact]
    public async Task Should_record_a_result_arriving_after_the_last_attempt_timed_out()
    {
        await StartAsync("timed");
        await CompleteAsync("slow");
        var attempt = Task("once").AttemptId!.Value;
        await FireTimerAsync<TimeOutTaskAttempt>(m => m.AttemptId == attempt);
        Assert.Equal(JobStatus.Failed, Job.Status);

        var late = await CompleteAsync("once", attemptId: attempt, output: """{ "done": true }""");

        Assert.Equal(CommandStatus.Aborted, late.Status);
        Assert.Equal(TaskRunStatus.TimedOut, Task("once").Status);
        var row = Assert.Single(Job.Changes.History, h => h.Kind == "CommandAborted");
        Assert.Equal("once", row.TaskId);
        Assert.Equal(attempt, row.AttemptId);
        Assert.Equal($"CompleteTask: job {JobId} is Failed: stop working on it", row.Detail);
    }

    [Fact]
    public async Task Should_answer_the_same_late_result_delivered_again_like_the_first_and_record_it_once()
    {
        await StartAsync("timed");
        await CompleteAsync("slow");
        var attempt = Task("once").AttemptId!.Value;
        await FireTimerAsync<TimeOutTaskAttempt>(m => m.AttemptId == attempt);
        var late = new FailTask { JobId = JobId, TaskId = "once", AttemptId = attempt, Error = "too late" };

        var first = await SendAsync(late);
        var again = await SendAsync(late);

        Assert.Equal(CommandStatus.Aborted, first.Status);
        Assert.False(first.Duplicate);
        Assert.Equal(CommandStatus.Aborted, again.Status);
        Assert.Equal(first.Reason, again.Reason);
        Assert.True(again.Duplicate);
        Assert.Single(Job.Changes.History, h => h.Kind == "CommandAborted");
    }

    [Fact]
    public async Task Should_still_answer_a_completion_applied_twice_like_the_first_without_a_row()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        var attempt = Task("a").AttemptId!.Value;
        var completion = new CompleteTask { JobId = JobId, TaskId = "a", AttemptId = attempt };

        var first = await SendAsync(completion);
        var rows = Job.Changes.History.Count;
        var again = await SendAsync(completion);

        Assert.Equal(CommandStatus.Accepted, first.Status);
        Assert.Equal(CommandStatus.Accepted, again.Status);
        Assert.True(again.Duplicate);
        Assert.Equal(rows, Job.Changes.History.Count);
    }

    [Fact]
    public async Task Should_record_a_state_proposal_for_a_task_the_job_does_not_have()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");

        var outcome = await SendAsync(new SetTaskState { JobId = JobId, TaskId = "nope", State = TaskRunStatus.Completed });

        Assert.Equal(CommandStatus.Aborted, outcome.Status);
        var row = Assert.Single(Job.Changes.History, h => h.Kind == "CommandAborted");
        Assert.Equal("nope", row.TaskId);
    }

    [Fact]
    public async Task Should_record_a_stale_state_proposal_against_the_attempt_it_named()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        var first = Task("a").AttemptId!.Value;
        await FailAsync("a", "warehouse offline");
        await FireTimerAsync<StartScheduledTask>(m => m.TaskId == "a");

        var outcome = await SendAsync(new SetTaskState { JobId = JobId, TaskId = "a", AttemptId = first, State = TaskRunStatus.Completed });

        Assert.Equal(CommandStatus.Rejected, outcome.Status);
        var row = Assert.Single(Job.Changes.History, h => h.Kind == "CommandRejected" && h.Detail!.StartsWith("SetTaskState", StringComparison.Ordinal));
        Assert.Equal(first, row.AttemptId);
    }
}
