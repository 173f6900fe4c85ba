using MassTransit;
using QueueFlow.Contracts;
using QueueFlow.Core.Scheduling;

namespace QueueFlow.UnitTests.Jobs;

/// <summary>Pause, resume and cancel of a whole job, on the in-memory harness.</summary>
public sealed class When_a_job_is_controlled : JobSagaScenario
{
    Task<CommandOutcome> PauseAsync(string? reason = null) => SendAsync(new PauseJob { JobId = JobId, Reason = reason, CommandId = NewId.NextGuid() });

    Task<CommandOutcome> ResumeAsync() => SendAsync(new ResumeJob { JobId = JobId, CommandId = NewId.NextGuid() });

    Task<CommandOutcome> CancelAsync(string? reason = null) => SendAsync(new CancelJob { JobId = JobId, Reason = reason, CommandId = NewId.NextGuid() });

    [Fact]
    public async Task Should_pause_a_running_job()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");

        var outcome = await PauseAsync("maintenance");

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        Assert.Equal(JobStatus.Paused, outcome.JobStatus);
        Assert.Equal(JobStatus.Paused, Job.Status);
        Assert.Equal(nameof(JobStatus.Paused), Job.CurrentState);
        Assert.Contains(Job.Changes.Messages.Select(m => m.Message).OfType<JobStateChanged>(), e => e is { From: JobStatus.Running, To: JobStatus.Paused, Reason: "maintenance" });
        Assert.Contains(Job.Changes.History, h => h.Kind == "JobPaused" && h.Detail == "maintenance");

        // The attempt already running goes on.
        Assert.Equal(TaskRunStatus.Running, Task("a").Status);
    }

    [Fact]
    public async Task Should_answer_a_second_pause_as_a_duplicate_that_changes_nothing()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        await PauseAsync();
        var history = Job.HistoryCount;

        var again = await PauseAsync();

        Assert.Equal(CommandStatus.Accepted, again.Status);
        Assert.True(again.Duplicate);
        Assert.Equal(history, Job.HistoryCount);
        Assert.Equal(JobStatus.Paused, Job.Status);
    }

    [Fact]
    public async Task Should_answer_a_pause_sent_again_with_its_id_like_the_first_though_the_job_resumed_since()
    {
        await StartAsync("diamond", """{ "orderId": "o-1" }""");
        var pause = new PauseJob { JobId = JobId, CommandId = NewId.NextGuid() };
        var first = await SendAsync(pause);
        await ResumeAsync();
        var history = Job.HistoryCount;

        var again = await SendAsync(pause);

        Assert.Equal((CommandStatus.Accepted, false), (first.Status, first.Duplicate));
        Assert.Equal((CommandStatus.Accepted, true), (again.Status, again.Duplicate));
        Assert.Equal(JobStatus.Running, Job.Status);
        Assert.Equal(history, Job.HistoryCount);
    }

    [Fact]
    public async Task Should_hold_a_task_that_becomes_ready_while_paused_and_run_it_on_resume()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        await PauseAsync();

        var completed = await CompleteAsync("a", output: """{ "reserved": "R-7" }""");

        Assert.Equal(CommandStatus.Accepted, completed.Status);
        Assert.Equal(TaskRunStatus.Completed, Task("a").Status);
        Assert.Equal(TaskRunStatus.Scheduled, Task("b").Status);
        Assert.Equal(TaskRunStatus.Scheduled, Task("c").Status);
        Assert.Null(Task("b").ScheduledAt);
        Assert.DoesNotContain(Dispatches, r => r.TaskId is "b" or "c");
        Assert.DoesNotContain(Timers, t => t.Request.Key == TimerKeys.ScheduledStart(JobId, "b"));

        var resumed = await ResumeAsync();

        Assert.Equal(CommandStatus.Accepted, resumed.Status);
        Assert.Equal(JobStatus.Running, Job.Status);
        Assert.Equal(nameof(JobStatus.Running), Job.CurrentState);
        Assert.Equal(TaskRunStatus.Running, Task("b").Status);
        Assert.Equal(TaskRunStatus.Running, Task("c").Status);
        var b = Assert.Single(Dispatches, r => r.TaskId == "b");
        Assert.Equal("R-7", b.Input.GetProperty("fromA").GetString());
        Assert.Single(Dispatches, r => r.TaskId == "c");
    }

    [Fact]
    public async Task Should_hold_a_retry_while_paused()
    {
        await StartAsync("timed");
        await PauseAsync();

        var failed = await FailAsync("slow", "boom");

        Assert.Equal(CommandStatus.Accepted, failed.Status);
        Assert.Equal(TaskRunStatus.Scheduled, Task("slow").Status);
        Assert.Single(Dispatches, r => r.TaskId == "slow");

        await ResumeAsync();

        Assert.Equal(TaskRunStatus.Running, Task("slow").Status);
        Assert.Equal(2, Task("slow").Attempt);
        Assert.Equal(2, Dispatches.Count(r => r.TaskId == "slow"));
    }

    [Fact]
    public async Task Should_reject_resuming_a_job_that_is_not_paused()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");

        var outcome = await ResumeAsync();

        Assert.Equal(CommandStatus.Rejected, outcome.Status);
        Assert.Contains("not paused", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(JobStatus.Running, Job.Status);
        Assert.Contains(Job.Changes.History, h => h.Kind == "CommandRejected" && h.Detail!.StartsWith("ResumeJob", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_cancel_a_running_job_with_its_open_tasks_and_abort_a_late_completion()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        var attempt = Task("a").AttemptId!.Value;

        var outcome = await CancelAsync("no longer needed");

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        Assert.Equal(JobStatus.Cancelled, Job.Status);
        Assert.Equal(nameof(JobStatus.Cancelled), Job.CurrentState);
        Assert.Equal(TaskRunStatus.Cancelled, Task("a").Status);
        Assert.Equal(TaskRunStatus.Cancelled, Task("a").FindAttempt(attempt)!.Status);
        Assert.Contains(Timers, t => t.Request.IsCancel && t.Request.Key == TimerKeys.StartToClose(JobId, "a", attempt));
        Assert.Contains(Job.Changes.Messages.Select(m => m.Message).OfType<JobStateChanged>(), e => e is { To: JobStatus.Cancelled, Reason: "no longer needed" });

        var late = await CompleteAsync("a", attemptId: attempt);

        Assert.Equal(CommandStatus.Aborted, late.Status);
    }

    [Fact]
    public async Task Should_cancel_a_paused_job()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        await PauseAsync();
        await CompleteAsync("a", output: """{ "reserved": "R-7" }""");

        var outcome = await CancelAsync();

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        Assert.Equal(JobStatus.Cancelled, Job.Status);
        Assert.Equal(TaskRunStatus.Cancelled, Task("b").Status);
        Assert.Equal(TaskRunStatus.Cancelled, Task("c").Status);
    }

    [Fact]
    public async Task Should_abort_every_control_of_a_finished_job()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        await CancelAsync();

        Assert.Equal(CommandStatus.Aborted, (await PauseAsync()).Status);
        Assert.Equal(CommandStatus.Aborted, (await ResumeAsync()).Status);
        Assert.Equal(CommandStatus.Aborted, (await CancelAsync()).Status);
        Assert.Equal(JobStatus.Cancelled, Job.Status);
    }

    [Fact]
    public async Task Should_reject_a_control_of_an_unknown_job()
    {
        var client = Harness.GetRequestClient<PauseJob>();

        var response = await client.GetResponse<CommandOutcome>(new PauseJob { JobId = JobId });

        Assert.Equal(CommandStatus.Rejected, response.Message.Status);
        Assert.Equal($"unknown job {JobId}", response.Message.Reason);
    }
}
