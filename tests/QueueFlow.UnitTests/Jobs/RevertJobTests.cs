using MassTransit;
using QueueFlow.Contracts;
using QueueFlow.Core.Scheduling;

namespace QueueFlow.UnitTests.Jobs;

/// <summary>An operator reverts a job from an errored task to an earlier completed one, on the in-memory harness.</summary>
public sealed class When_a_job_is_reverted : JobSagaScenario
{
    Task<CommandOutcome> RevertAsync(string toTask, string? fromTask = null) =>
        SendAsync(new RevertJob { JobId = JobId, FromTask = fromTask, ToTask = toTask, CommandId = NewId.NextGuid() });

    async Task FailOnCAsync()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        await CompleteAsync("a", output: """{ "reserved": "R-1" }""");
        await CompleteAsync("b");
        await FailAsync("c", "boom", terminal: true);
    }

    [Fact]
    public async Task Should_reset_every_task_after_the_target_and_run_the_job_again_from_it()
    {
        await FailOnCAsync();

        var outcome = await RevertAsync("a");

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        Assert.Equal(JobStatus.Running, Job.Status);
        Assert.Equal(TaskRunStatus.Running, Task("a").Status);
        Assert.Equal(1, Task("a").Iteration);
        Assert.Equal(2, Task("a").Attempt);
        Assert.Equal((TaskRunStatus.Pending, 1), (Task("b").Status, Task("b").Iteration));
        Assert.Equal((TaskRunStatus.Pending, 1), (Task("c").Status, Task("c").Iteration));
        Assert.Null(Task("c").Error);
        Assert.Equal((TaskRunStatus.Pending, 0), (Task("d").Status, Task("d").Iteration));
        Assert.Contains(Job.Changes.History, h => h.Kind == "TaskPending" && h.TaskId == "b" && h.Detail == "reverted from task 'c' to 'a'");

        // The reverted part runs again in full.
        await CompleteAsync("a", output: """{ "reserved": "R-2" }""");
        Assert.Equal("R-2", Assert.Single(Dispatches, r => r.TaskId == "b" && r.Attempt == 2).Input.GetProperty("fromA").GetString());
        Assert.Equal(TaskRunStatus.Running, Task("c").Status);
    }

    [Fact]
    public async Task Should_reject_a_revert_to_a_task_that_never_ran()
    {
        await FailOnCAsync();

        var outcome = await RevertAsync("d");

        Assert.Equal(CommandStatus.Rejected, outcome.Status);
        Assert.Equal("task 'd' is Pending: a revert goes back to a task that completed", outcome.Reason);
        Assert.Equal(JobStatus.Failed, Job.Status);
    }

    [Fact]
    public async Task Should_reject_a_revert_to_a_task_that_does_not_come_before()
    {
        await FailOnCAsync();

        var outcome = await RevertAsync("b");

        Assert.Equal(CommandStatus.Rejected, outcome.Status);
        Assert.Equal("task 'c' does not come after 'b': revert to a task before it", outcome.Reason);
    }

    [Fact]
    public async Task Should_reject_a_revert_from_a_task_that_did_not_error()
    {
        await FailOnCAsync();

        var outcome = await RevertAsync("a", fromTask: "b");

        Assert.Equal(CommandStatus.Rejected, outcome.Status);
        Assert.Equal("task 'b' is Completed: a revert starts from an errored (Failed or TimedOut) task", outcome.Reason);
    }

    [Fact]
    public async Task Should_reject_a_revert_of_a_running_job()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");

        var outcome = await RevertAsync("a", fromTask: "a");

        Assert.Equal(CommandStatus.Rejected, outcome.Status);
        Assert.Equal($"job {JobId} is Running: only a Failed or Paused job is reverted (pause it first)", outcome.Reason);
    }

    [Fact]
    public async Task Should_abort_a_revert_of_a_cancelled_job()
    {
        await FailOnCAsync();
        await SendAsync(new CancelJob { JobId = JobId, CommandId = NewId.NextGuid() });

        var outcome = await RevertAsync("a");

        Assert.Equal(CommandStatus.Aborted, outcome.Status);
        Assert.Equal($"job {JobId} is Cancelled: a completed or cancelled job does not change", outcome.Reason);
        Assert.Equal(TaskRunStatus.Completed, Task("a").Status);
    }

    [Fact]
    public async Task Should_revert_a_paused_job_and_hold_the_target_until_it_resumes()
    {
        await StartAsync("policies");
        await CompleteAsync("risky");
        await FailAsync("guarded", "refused", terminal: true);
        var handle = Task("handle");
        Assert.Equal(TaskRunStatus.Running, handle.Status);
        var handleAttempt = handle.AttemptId!.Value;
        await SendAsync(new PauseJob { JobId = JobId, CommandId = NewId.NextGuid() });

        var outcome = await RevertAsync("risky", fromTask: "guarded");

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        Assert.Equal(JobStatus.Paused, Job.Status);
        Assert.Equal(TaskRunStatus.Scheduled, Task("risky").Status);
        Assert.Equal(TaskRunStatus.Pending, Task("guarded").Status);
        Assert.Equal(TaskRunStatus.Pending, Task("handle").Status);
        Assert.Equal(TaskRunStatus.Cancelled, Task("handle").FindAttempt(handleAttempt)!.Status);

        await SendAsync(new ResumeJob { JobId = JobId, CommandId = NewId.NextGuid() });
        Assert.Equal(TaskRunStatus.Running, Task("risky").Status);
        Assert.Equal(2, Task("risky").Attempt);
    }

    [Fact]
    public async Task Should_rerun_the_target_with_timers_for_its_new_attempt()
    {
        await StartAsync("timed");
        var slow = Task("slow").AttemptId!.Value;
        await CompleteAsync("slow");
        var once = Task("once").AttemptId!.Value;
        await FireTimerAsync<TimeOutTaskAttempt>(m => m.AttemptId == once);

        var outcome = await RevertAsync("slow");

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        var again = Task("slow").AttemptId!.Value;
        Assert.NotEqual(slow, again);
        Assert.Contains(Timers, t => !t.Request.IsCancel && t.Request.Key == TimerKeys.StartToClose(JobId, "slow", again));
        Assert.Contains(Timers, t => !t.Request.IsCancel && t.Request.Key == TimerKeys.Heartbeat(JobId, "slow", again));
        Assert.Equal(TaskRunStatus.Pending, Task("once").Status);
    }
}
