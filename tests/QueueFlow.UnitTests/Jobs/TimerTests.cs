using MassTransit;
using QueueFlow.Contracts;
using QueueFlow.Core.Scheduling;

namespace QueueFlow.UnitTests.Jobs;

/// <summary>
/// Timeouts, heartbeats, deadlines and scheduled starts, on a fake clock: the saga asks for timers
/// through its outbox, and the tests deliver the timer messages the way the durable scheduler would.
/// </summary>
public sealed class When_time_passes_for_a_job : JobSagaScenario
{
    [Fact]
    public async Task Should_set_each_attempt_timers_and_the_job_deadline_when_it_starts()
    {
        await StartAsync("timed");
        var attempt = Task("slow").AttemptId!.Value;
        var now = Clock.GetUtcNow();

        Assert.Contains(Timers, t => t.Request.Key == TimerKeys.StartToClose(JobId, "slow", attempt) && t.Request.DueAt == now.AddSeconds(30));
        Assert.Contains(Timers, t => t.Request.Key == TimerKeys.Heartbeat(JobId, "slow", attempt) && t.Request.DueAt == now.AddSeconds(10));
        Assert.Contains(Timers, t => t.Request.Key == TimerKeys.Deadline(JobId) && t.Request.DueAt == now.AddSeconds(600));
    }

    [Fact]
    public async Task Should_push_back_the_heartbeat_timeout_on_each_heartbeat_and_keep_the_progress()
    {
        await StartAsync("timed");
        var attempt = Task("slow").AttemptId!.Value;
        Clock.Advance(TimeSpan.FromSeconds(7));

        var outcome = await SendAsync(new TaskHeartbeat { JobId = JobId, TaskId = "slow", AttemptId = attempt, Progress = 0.4 });

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        var heartbeats = Timers.Where(t => t.Request.Key == TimerKeys.Heartbeat(JobId, "slow", attempt)).ToList();
        Assert.Equal(Clock.GetUtcNow().AddSeconds(10), heartbeats[^1].Request.DueAt);
        Assert.Equal(0.4, Task("slow").Attempts[^1].Progress);
        Assert.Equal(Clock.GetUtcNow(), Task("slow").Attempts[^1].LastHeartbeatAt);
    }

    [Fact]
    public async Task Should_reject_a_heartbeat_from_a_stale_attempt_and_a_progress_out_of_range()
    {
        await StartAsync("timed");
        var attempt = Task("slow").AttemptId!.Value;

        Assert.Equal(CommandStatus.Rejected, (await SendAsync(new TaskHeartbeat { JobId = JobId, TaskId = "slow", AttemptId = attempt, Progress = 1.5 })).Status);
        await FireTimerAsync<TimeOutTaskAttempt>(m => m.AttemptId == attempt && m.Timeout == "startToClose");
        var stale = await SendAsync(new TaskHeartbeat { JobId = JobId, TaskId = "slow", AttemptId = attempt });

        Assert.Equal(CommandStatus.Rejected, stale.Status);
        Assert.StartsWith("stale attempt", stale.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_time_out_the_attempt_retry_it_and_remove_the_old_attempt_timers()
    {
        await StartAsync("timed");
        var first = Task("slow").AttemptId!.Value;
        Clock.Advance(TimeSpan.FromSeconds(10));

        var outcome = await FireTimerAsync<TimeOutTaskAttempt>(m => m.AttemptId == first && m.Timeout == "heartbeat");

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        Assert.Equal(TaskRunStatus.TimedOut, Task("slow").Attempts[0].Status);
        Assert.Equal("no heartbeat for 10s", Task("slow").Attempts[0].Error);
        Assert.Equal(TaskRunStatus.Running, Task("slow").Status);
        Assert.Equal(2, Task("slow").Attempt);
        Assert.Contains(Timers, t => t.Request.IsCancel && t.Request.Key == TimerKeys.StartToClose(JobId, "slow", first));
        Assert.Contains(Timers, t => t.Request.IsCancel && t.Request.Key == TimerKeys.Heartbeat(JobId, "slow", first));

        var late = await FireTimerAsync<TimeOutTaskAttempt>(m => m.AttemptId == first && m.Timeout == "startToClose");
        Assert.Equal(CommandStatus.Rejected, late.Status);
        Assert.Equal(2, Task("slow").Attempt);
    }

    [Fact]
    public async Task Should_time_out_for_good_a_task_that_does_not_retry_timeouts()
    {
        await StartAsync("timed");
        await CompleteAsync("slow");
        var attempt = Task("once").AttemptId!.Value;

        await FireTimerAsync<TimeOutTaskAttempt>(m => m.AttemptId == attempt);

        Assert.Equal(TaskRunStatus.TimedOut, Task("once").Status);
        Assert.Equal(JobStatus.Failed, Job.Status);
        Assert.Equal("timed out after 5s", Assert.Single(Job.Errors).Message);
        Assert.Contains(Timers, t => t.Request.IsCancel && t.Request.Key == TimerKeys.Deadline(JobId));
    }

    [Fact]
    public async Task Should_cancel_the_job_when_its_deadline_passes()
    {
        await StartAsync("timed");

        var outcome = await FireTimerAsync<ExpireJob>(_ => true);

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        Assert.Equal(JobStatus.Cancelled, Job.Status);
        Assert.Equal(TaskRunStatus.Cancelled, Task("slow").Status);
        var late = await CompleteAsync("slow");
        Assert.Equal(CommandStatus.Aborted, late.Status);
    }

    [Fact]
    public async Task Should_hold_the_first_tasks_of_a_job_scheduled_for_later_until_the_timer_fires()
    {
        var at = Clock.GetUtcNow().AddHours(2);

        await StartAsync("timed", scheduledAt: at);

        Assert.Equal(TaskRunStatus.Scheduled, Task("slow").Status);
        Assert.Equal(at, Task("slow").ScheduledAt);
        Assert.Empty(Dispatches);
        var wait = await SendAsync(new SetTaskState { JobId = JobId, TaskId = "slow", State = TaskRunStatus.Running, CommandId = NewId.NextGuid() });
        Assert.Equal(CommandStatus.Wait, wait.Status);
        Assert.Equal(7200, wait.WaitSeconds);

        Clock.Advance(TimeSpan.FromHours(2));
        await FireTimerAsync<StartScheduledTask>(m => m.TaskId == "slow");

        Assert.Equal(TaskRunStatus.Running, Task("slow").Status);
        Assert.Single(Dispatches);
    }

    [Fact]
    public async Task Should_schedule_a_task_proposed_for_a_later_time()
    {
        await StartAsync("timed");
        var at = Clock.GetUtcNow().AddMinutes(5);

        var outcome = await SendAsync(new SetTaskState { JobId = JobId, TaskId = "slow", State = TaskRunStatus.Scheduled, ScheduledTime = at, CommandId = NewId.NextGuid() });

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        Assert.Equal(TaskRunStatus.Scheduled, Task("slow").Status);
        Assert.Contains(Timers, t => t.Request.Key == TimerKeys.ScheduledStart(JobId, "slow") && t.Request.DueAt == at);
        Assert.Equal(TaskRunStatus.Cancelled, Task("slow").Attempts[0].Status);
    }
}
