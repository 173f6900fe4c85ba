using MassTransit;
using QueueFlow.Core.Scheduling;
using QueueFlow.Contracts;
using static QueueFlow.Contracts.CommandStatus;
using static QueueFlow.Contracts.TaskRunStatus;

namespace QueueFlow.UnitTests.Jobs;

/// <summary>
/// The orchestration rules as a table: every status a task of a running job can hold, against every
/// proposal, with and without force. The README publishes the same table.
/// </summary>
public sealed class When_a_task_state_is_proposed : JobSagaScenario
{
    public static TheoryData<TaskRunStatus, TaskRunStatus, CommandStatus, TaskRunStatus> Unforced => new()
    {
        { Pending, Scheduled, Rejected, Pending }, { Pending, Running, Rejected, Pending }, { Pending, Completed, Rejected, Pending },
        { Pending, Failed, Rejected, Pending }, { Pending, Cancelled, Rejected, Pending }, { Pending, Paused, Rejected, Pending },
        { Pending, Pending, Rejected, Pending }, { Pending, Skipped, Rejected, Pending }, { Pending, TimedOut, Rejected, Pending },

        { Running, Scheduled, Accepted, Running }, { Running, Running, Rejected, Running }, { Running, Completed, Accepted, Completed },
        { Running, Failed, Accepted, Scheduled }, { Running, Cancelled, Accepted, Cancelled }, { Running, Paused, Accepted, Paused },
        { Running, Pending, Rejected, Running }, { Running, Skipped, Rejected, Running }, { Running, TimedOut, Rejected, Running },

        { Paused, Scheduled, Accepted, Running }, { Paused, Running, Accepted, Running }, { Paused, Completed, Accepted, Completed },
        { Paused, Failed, Accepted, Scheduled }, { Paused, Cancelled, Accepted, Cancelled }, { Paused, Paused, Rejected, Paused },
        { Paused, Pending, Rejected, Paused }, { Paused, Skipped, Rejected, Paused }, { Paused, TimedOut, Rejected, Paused },

        { Scheduled, Scheduled, Rejected, Scheduled }, { Scheduled, Running, Wait, Scheduled }, { Scheduled, Completed, Accepted, Completed },
        { Scheduled, Failed, Accepted, Failed }, { Scheduled, Cancelled, Accepted, Cancelled }, { Scheduled, Paused, Accepted, Paused },
        { Scheduled, Pending, Rejected, Scheduled }, { Scheduled, Skipped, Rejected, Scheduled }, { Scheduled, TimedOut, Rejected, Scheduled },

        { Failed, Scheduled, Rejected, Failed }, { Failed, Running, Rejected, Failed }, { Failed, Completed, Rejected, Failed },
        { Failed, Failed, Rejected, Failed }, { Failed, Cancelled, Aborted, Failed }, { Failed, Paused, Aborted, Failed },
        { Failed, Pending, Rejected, Failed }, { Failed, Skipped, Rejected, Failed }, { Failed, TimedOut, Rejected, Failed },

        { Completed, Scheduled, Rejected, Completed }, { Completed, Running, Rejected, Completed }, { Completed, Completed, Rejected, Completed },
        { Completed, Failed, Rejected, Completed }, { Completed, Cancelled, Aborted, Completed }, { Completed, Paused, Aborted, Completed },
        { Completed, Pending, Rejected, Completed }, { Completed, Skipped, Rejected, Completed }, { Completed, TimedOut, Rejected, Completed },

        { Skipped, Scheduled, Rejected, Skipped }, { Skipped, Running, Rejected, Skipped }, { Skipped, Completed, Rejected, Skipped },
        { Skipped, Failed, Rejected, Skipped }, { Skipped, Cancelled, Aborted, Skipped }, { Skipped, Paused, Aborted, Skipped },
        { Skipped, Pending, Rejected, Skipped }, { Skipped, Skipped, Rejected, Skipped }, { Skipped, TimedOut, Rejected, Skipped },
    };

    public static TheoryData<TaskRunStatus, TaskRunStatus, CommandStatus, TaskRunStatus> Forced => new()
    {
        { Pending, Running, Accepted, Running }, { Pending, Completed, Accepted, Completed }, { Pending, Cancelled, Accepted, Cancelled },
        { Running, Running, Accepted, Running }, { Running, Failed, Accepted, Failed },
        { Paused, Paused, Accepted, Paused },
        { Completed, Running, Accepted, Running }, { Completed, Failed, Accepted, Failed },
        { Skipped, Scheduled, Accepted, Running },
        { Running, TimedOut, Rejected, Running }, { Pending, Skipped, Rejected, Pending },
    };

    [Theory]
    [MemberData(nameof(Unforced))]
    public Task Should_answer_each_unforced_proposal_by_the_table(TaskRunStatus current, TaskRunStatus proposed, CommandStatus expected, TaskRunStatus after) =>
        ProposeAsync(current, proposed, force: false, expected, after);

    [Theory]
    [MemberData(nameof(Forced))]
    public Task Should_apply_a_forced_proposal_but_still_validate_it(TaskRunStatus current, TaskRunStatus proposed, CommandStatus expected, TaskRunStatus after) =>
        ProposeAsync(current, proposed, force: true, expected, after);

    [Fact]
    public async Task Should_retry_a_failed_task_with_a_new_attempt_while_retries_remain()
    {
        var task = await ArrangeAsync(Running);
        var first = Task(task).AttemptId;

        var outcome = await SendAsync(Proposal(task, Failed) with { Message = "disk full" });
        Assert.Equal(Scheduled, outcome.TaskStatus);
        await FireTimerAsync<StartScheduledTask>(m => m.TaskId == task);

        Assert.Equal(Accepted, outcome.Status);
        Assert.Equal(2, Task(task).Attempt);
        Assert.NotEqual(first, Task(task).AttemptId);
        Assert.Equal("disk full", Task(task).Attempts[0].Error);
    }

    [Fact]
    public async Task Should_end_a_failed_task_marked_not_retriable_though_retries_remain()
    {
        var task = await ArrangeAsync(Running);

        var outcome = await SendAsync(Proposal(task, Failed) with { Message = "bad input", Retriable = false });

        Assert.Equal(Accepted, outcome.Status);
        Assert.Equal(Failed, outcome.TaskStatus);
        Assert.Equal(1, Task(task).Attempt);
        Assert.Equal("bad input", Task(task).Error);
    }

    [Fact]
    public async Task Should_answer_a_repeated_transition_id_like_the_first_and_change_nothing()
    {
        var task = await ArrangeAsync(Running);
        var proposal = Proposal(task, Completed) with { TransitionId = NewId.NextGuid() };

        var first = await SendAsync(proposal);
        var history = Job.HistoryCount;
        var second = await SendAsync(proposal with { CommandId = NewId.NextGuid() });

        Assert.Equal(Accepted, first.Status);
        Assert.Equal(first.Status, second.Status);
        Assert.Equal(Completed, second.TaskStatus);
        Assert.True(second.Duplicate);
        Assert.Equal(history, Job.HistoryCount);
    }

    [Fact]
    public async Task Should_abort_any_proposal_once_the_job_is_finished_even_forced()
    {
        var task = await ArrangeAsync(Running);
        await SendAsync(Proposal(task, Failed) with { Force = true });
        Assert.Equal(JobStatus.Failed, Job.Status);

        var outcome = await SendAsync(Proposal("b", Running) with { Force = true });

        Assert.Equal(Aborted, outcome.Status);
        Assert.Contains("is Failed: stop working on it", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_tell_a_proposal_for_a_paused_job_to_wait_unless_forced()
    {
        var task = await ArrangeAsync(Running);

        // Nothing pauses a job over the bus yet (job control comes with the HTTP API); the rule is the saga's either way.
        Job.Status = JobStatus.Paused;
        var waiting = await SendAsync(Proposal(task, Completed));
        var forced = await SendAsync(Proposal(task, Completed) with { Force = true });

        Assert.Equal(Wait, waiting.Status);
        Assert.Equal(Options.PausedWaitSeconds, waiting.WaitSeconds);
        Assert.Equal(Running, waiting.TaskStatus);
        Assert.Equal(Accepted, forced.Status);
        Assert.Equal(Completed, forced.TaskStatus);
    }

    [Fact]
    public async Task Should_cancel_the_retry_timer_of_a_scheduled_task_completed_by_hand()
    {
        var task = await ArrangeAsync(Scheduled);

        await SendAsync(Proposal(task, Completed) with { Output = System.Text.Json.JsonDocument.Parse("""{ "reserved": "by hand" }""").RootElement });

        Assert.Contains(Timers, t => t.Request.IsCancel && t.Request.Key == TimerKeys.ScheduledStart(JobId, task));
        Assert.Null(Task(task).ScheduledAt);
        var late = await FireTimerAsync<StartScheduledTask>(m => m.TaskId == task);
        Assert.Equal(Rejected, late.Status);
        Assert.Equal(1, Task(task).Attempt);
    }

    [Fact]
    public async Task Should_abort_a_proposal_for_a_task_the_job_does_not_have()
    {
        await ArrangeAsync(Running);

        var outcome = await SendAsync(Proposal("ghost", Running));

        Assert.Equal(Aborted, outcome.Status);
        Assert.Equal($"job {JobId} has no task 'ghost'", outcome.Reason);
    }

    [Fact]
    public async Task Should_reject_a_stale_attempt_even_forced()
    {
        var task = await ArrangeAsync(Running);
        var stale = Task(task).AttemptId;
        await SendAsync(Proposal(task, Running) with { Force = true });

        var outcome = await SendAsync(Proposal(task, Completed) with { AttemptId = stale, Force = true });

        Assert.Equal(Rejected, outcome.Status);
        Assert.StartsWith("stale attempt", outcome.Reason, StringComparison.Ordinal);
    }

    async Task ProposeAsync(TaskRunStatus current, TaskRunStatus proposed, bool force, CommandStatus expected, TaskRunStatus after)
    {
        var task = await ArrangeAsync(current);
        var history = Job.HistoryCount;

        var outcome = await SendAsync(Proposal(task, proposed) with { Force = force });

        Assert.Equal(expected, outcome.Status);
        Assert.Equal(after, Task(task).Status);
        Assert.Equal(after, outcome.TaskStatus);
        if (expected != Accepted)
        {
            Assert.False(string.IsNullOrWhiteSpace(outcome.Reason));
            Assert.Equal(history + 1, Job.HistoryCount);
            Assert.Equal($"Command{expected}", Job.Changes.History[^1].Kind);
        }
    }

    /// <summary>Brings a task of a running job to <paramref name="status"/> and returns its id.</summary>
    async Task<string> ArrangeAsync(TaskRunStatus status)
    {
        if (status == Skipped)
        {
            await StartAsync("branching");
            await CompleteAsync("check", finishState: "error");
            return "approve";
        }

        if (status == Failed)
        {
            // Failed under the continue policy: the job carries on, so the task can still be proposed to.
            await StartAsync("policies");
            await FailAsync("risky", "quota exceeded", terminal: true);
            return "risky";
        }

        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        switch (status)
        {
            case Pending:
                return "c";
            case Paused:
                Assert.Equal(Accepted, (await SendAsync(Proposal("a", Paused))).Status);
                break;
            case Completed:
                await CompleteAsync("a", output: """{ "reserved": "R" }""");
                break;
            case Scheduled:
                await FailAsync("a", "waits for its retry");
                break;
        }

        Assert.Equal(status, Task("a").Status);
        return "a";
    }

    SetTaskState Proposal(string taskId, TaskRunStatus state) =>
        new() { JobId = JobId, TaskId = taskId, State = state, CommandId = NewId.NextGuid() };
}
