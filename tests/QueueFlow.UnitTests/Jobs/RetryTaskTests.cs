using MassTransit;
using QueueFlow.Contracts;
using QueueFlow.Core.Scheduling;

namespace QueueFlow.UnitTests.Jobs;

/// <summary>An operator retries a Failed or TimedOut task, on the in-memory harness.</summary>
public sealed class When_a_task_is_retried : JobSagaScenario
{
    Task<CommandOutcome> RetryAsync(string taskId, Guid? commandId = null) =>
        SendAsync(new RetryTask { JobId = JobId, TaskId = taskId, CommandId = commandId ?? NewId.NextGuid() });

    [Fact]
    public async Task Should_run_the_task_the_job_failed_on_as_a_new_attempt_and_the_job_again()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        var first = Task("a").AttemptId!.Value;
        await FailAsync("a", "warehouse down", terminal: true);
        Assert.Equal(JobStatus.Failed, Job.Status);

        var outcome = await RetryAsync("a");

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        Assert.Equal(JobStatus.Running, outcome.JobStatus);
        Assert.Equal(JobStatus.Running, Job.Status);
        Assert.Equal(nameof(JobStatus.Running), Job.CurrentState);
        Assert.Null(Job.EndedAt);
        var a = Task("a");
        Assert.Equal(TaskRunStatus.Running, a.Status);
        Assert.Equal(2, a.Attempt);
        Assert.NotEqual(first, a.AttemptId);
        Assert.Null(a.Error);
        Assert.Single(Dispatches, r => r.TaskId == "a" && r.AttemptId == a.AttemptId && r.Attempt == 2);
        Assert.Contains(Job.Changes.Messages.Select(m => m.Message).OfType<JobStateChanged>(), e => e is { From: JobStatus.Failed, To: JobStatus.Running });
        Assert.Contains(Job.Changes.History, h => h.Kind == "JobRunning" && h.CommandId == outcome.CommandId);
        Assert.Contains(Timers, t => !t.Request.IsCancel && t.Request.Key == TimerKeys.StartToClose(JobId, "a", a.AttemptId!.Value));

        // The job goes on from the retried task as if it had never failed.
        Assert.Equal(CommandStatus.Accepted, (await CompleteAsync("a", output: """{ "reserved": "R-1" }""")).Status);
        Assert.Equal(TaskRunStatus.Running, Task("b").Status);
        Assert.Equal(TaskRunStatus.Running, Task("c").Status);
    }

    [Fact]
    public async Task Should_run_again_the_tasks_the_failure_cancelled()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        await CompleteAsync("a", output: """{ "reserved": "R-1" }""");
        await FailAsync("c", "boom", terminal: true);
        Assert.Equal(TaskRunStatus.Cancelled, Task("b").Status);

        var outcome = await RetryAsync("c");

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        Assert.Equal(TaskRunStatus.Running, Task("b").Status);
        Assert.Equal(2, Task("b").Attempt);
        Assert.Equal(TaskRunStatus.Running, Task("c").Status);
        Assert.Equal(2, Task("c").Attempt);
        await CompleteAsync("b");
        await CompleteAsync("c");
        Assert.Equal(TaskRunStatus.Running, Task("d").Status);
    }

    [Fact]
    public async Task Should_retry_a_timed_out_task_with_timers_for_the_new_attempt_and_the_deadline_set_again()
    {
        await StartAsync("timed");
        await CompleteAsync("slow");
        var timedOut = Task("once").AttemptId!.Value;
        await FireTimerAsync<TimeOutTaskAttempt>(m => m.AttemptId == timedOut);
        Assert.Equal(TaskRunStatus.TimedOut, Task("once").Status);
        Assert.Equal(JobStatus.Failed, Job.Status);
        Assert.Contains(Timers, t => t.Request.IsCancel && t.Request.Key == TimerKeys.Deadline(JobId));

        var outcome = await RetryAsync("once");

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        var once = Task("once");
        Assert.Equal(TaskRunStatus.Running, once.Status);
        Assert.NotEqual(timedOut, once.AttemptId);
        Assert.Contains(Timers, t => !t.Request.IsCancel && t.Request.Key == TimerKeys.StartToClose(JobId, "once", once.AttemptId!.Value));
        var deadline = Timers.Last(t => t.Request.Key == TimerKeys.Deadline(JobId));
        Assert.False(deadline.Request.IsCancel);
        Assert.Equal(Job.CreatedAt.AddSeconds(600), deadline.Request.DueAt);
    }

    [Fact]
    public async Task Should_reject_the_retry_of_a_running_task()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");

        var outcome = await RetryAsync("a");

        Assert.Equal(CommandStatus.Rejected, outcome.Status);
        Assert.Equal("task 'a' is Running: only a Failed or TimedOut task is retried", outcome.Reason);
        Assert.Equal(1, Task("a").Attempt);
        Assert.Contains(Job.Changes.History, h => h.Kind == "CommandRejected" && h.CommandId == outcome.CommandId);
    }

    [Fact]
    public async Task Should_reject_the_retry_of_a_task_the_job_does_not_have()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");

        var outcome = await RetryAsync("nope");

        Assert.Equal(CommandStatus.Rejected, outcome.Status);
        Assert.Equal($"job {JobId} has no task 'nope'", outcome.Reason);
        Assert.Equal("nope", outcome.TaskId);
    }

    [Fact]
    public async Task Should_answer_a_repeated_retry_like_the_first_and_change_nothing()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        await FailAsync("a", "down", terminal: true);
        var commandId = NewId.NextGuid();
        await RetryAsync("a", commandId);
        var history = Job.HistoryCount;

        var again = await RetryAsync("a", commandId);

        Assert.Equal(CommandStatus.Accepted, again.Status);
        Assert.True(again.Duplicate);
        Assert.Equal(2, Task("a").Attempt);
        Assert.Equal(history, Job.HistoryCount);
    }

    [Fact]
    public async Task Should_reject_a_retry_of_a_task_the_failed_job_did_not_fail_on()
    {
        await StartAsync("policies");
        await FailAsync("risky", "flaky", terminal: true);
        await FailAsync("guarded", "refused", terminal: true);
        await SendAsync(new SetTaskState { JobId = JobId, TaskId = "handle", State = TaskRunStatus.Cancelled, Message = "nobody", CommandId = NewId.NextGuid() });
        Assert.Equal(JobStatus.Failed, Job.Status);

        var outcome = await RetryAsync("guarded");

        Assert.Equal(CommandStatus.Rejected, outcome.Status);
        Assert.Equal($"job {JobId} failed on 'handle', not on 'guarded': retry 'handle', or continue or revert the job", outcome.Reason);
        Assert.Equal(JobStatus.Failed, Job.Status);
    }

    [Fact]
    public async Task Should_retry_alone_a_failed_task_whose_job_carried_on()
    {
        await StartAsync("policies");
        await FailAsync("risky", "flaky", terminal: true);
        Assert.Equal(TaskRunStatus.Running, Task("guarded").Status);

        var outcome = await RetryAsync("risky");

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        Assert.Equal(TaskRunStatus.Running, Task("risky").Status);
        Assert.Equal(TaskRunStatus.Running, Task("guarded").Status);
        Assert.Equal(JobStatus.Running, Job.Status);
    }

    [Fact]
    public async Task Should_abort_a_retry_once_the_failed_job_is_cancelled()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        await FailAsync("a", "down", terminal: true);

        var cancelled = await SendAsync(new CancelJob { JobId = JobId, Reason = "giving up", CommandId = NewId.NextGuid() });
        var retried = await RetryAsync("a");

        Assert.Equal(CommandStatus.Accepted, cancelled.Status);
        Assert.Contains(Job.Changes.Messages.Select(m => m.Message).OfType<JobStateChanged>(), e => e is { From: JobStatus.Failed, To: JobStatus.Cancelled, Reason: "giving up" });
        Assert.Equal(CommandStatus.Aborted, retried.Status);
        Assert.Equal(TaskRunStatus.Failed, Task("a").Status);
    }

    [Fact]
    public async Task Should_abort_a_retry_on_a_cancelled_job()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        await SendAsync(new CancelJob { JobId = JobId, CommandId = NewId.NextGuid() });

        var outcome = await RetryAsync("a");

        Assert.Equal(CommandStatus.Aborted, outcome.Status);
        Assert.Equal(JobStatus.Cancelled, Job.Status);
    }
}
