using MassTransit;
using MassTransit.Testing;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;
using QueueFlow.Core.Scheduling;

namespace QueueFlow.UnitTests.Jobs;

public sealed class When_a_job_is_started : JobSagaScenario
{
    [Fact]
    public async Task Should_dispatch_the_first_task_with_its_input_resolved()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");

        Assert.Equal(JobStatus.Running, Job.Status);
        Assert.Equal("Running", Job.CurrentState);
        var dispatch = Assert.Single(Dispatches);
        Assert.Equal("a", dispatch.TaskId);
        Assert.Equal(1, dispatch.Attempt);
        Assert.Equal("""{"order":"O-1"}""", dispatch.Input.GetRawText());
        Assert.Equal(Clock.GetUtcNow().AddSeconds(30), dispatch.Deadline);
        Assert.Equal(new MessageDestination.Worker("work.a"), Job.Changes.Messages.Single(m => m.Message is RunTask).Destination);
        Assert.Equal(TaskRunStatus.Pending, Task("b").Status);
        Assert.Contains(Job.Changes.Messages, m => m.Message is JobStateChanged { To: JobStatus.Running });
    }

    [Fact]
    public async Task Should_fail_the_first_task_when_its_input_names_a_missing_variable()
    {
        await StartAsync("diamond");

        Assert.Equal(JobStatus.Failed, Job.Status);
        Assert.Equal(TaskRunStatus.Failed, Task("a").Status);
        var error = Assert.Single(Job.Errors);
        Assert.Equal("a", error.Task);
        Assert.Contains("'variables.orderId' is not set", error.Message, StringComparison.Ordinal);
        Assert.Empty(Dispatches);
    }

    [Fact]
    public async Task Should_refuse_an_unknown_workflow_and_keep_no_job()
    {
        var client = Harness.GetRequestClient<StartJob>();

        var response = await client.GetResponse<CommandOutcome>(new StartJob { JobId = JobId, Workflow = "nope" });

        Assert.Equal(CommandStatus.Rejected, response.Message.Status);
        Assert.Equal("workflow 'nope' is not registered", response.Message.Reason);
        Assert.Null(await Saga.NotExists(JobId));
    }

    [Fact]
    public async Task Should_answer_a_second_start_with_the_same_id_as_a_duplicate_and_start_nothing()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        var history = Job.HistoryCount;

        var outcome = await SendAsync(new StartJob { JobId = JobId, Workflow = "diamond" });

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        Assert.True(outcome.Duplicate);
        Assert.Equal(history, Job.HistoryCount);
        Assert.Single(Dispatches);
    }
}

public sealed class When_parallel_branches_complete : JobSagaScenario
{
    [Fact]
    public async Task Should_run_the_join_only_after_both_branches_and_then_complete_the_job()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");

        var a = await CompleteAsync("a", output: """{ "reserved": "R-7" }""");
        Assert.Equal(CommandStatus.Accepted, a.Status);
        Assert.Equal(TaskRunStatus.Running, Task("b").Status);
        Assert.Equal(TaskRunStatus.Running, Task("c").Status);
        Assert.Equal("""{"fromA":"R-7"}""", Dispatches.Single(d => d.TaskId == "b").Input.GetRawText());

        await CompleteAsync("b");
        Assert.Equal(TaskRunStatus.Pending, Task("d").Status);

        await CompleteAsync("c", output: """{ "packed": true }""");
        Assert.Equal(TaskRunStatus.Running, Task("d").Status);

        var d = await CompleteAsync("d");
        Assert.Equal(JobStatus.Completed, d.JobStatus);
        Assert.Equal(JobStatus.Completed, Job.Status);
        Assert.Equal("Completed", Job.CurrentState);
        Assert.Equal("""{"packed":true}""", Task("c").Output);
        Assert.Contains(Job.Changes.Messages, m => m.Message is JobCompleted);
        Assert.Equal(["a", "b", "c", "d"], Dispatches.Select(x => x.TaskId).Order());
    }
}

public sealed class When_a_completion_is_applied_twice : JobSagaScenario
{
    [Fact]
    public async Task Should_change_the_job_once_and_answer_the_second_like_the_first()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        var attempt = Task("a").AttemptId!.Value;

        var first = await CompleteAsync("a", output: """{ "reserved": "R-7" }""", attemptId: attempt);
        var history = Job.HistoryCount;
        var dispatches = Dispatches.Count();
        var second = await CompleteAsync("a", output: """{ "reserved": "OTHER" }""", attemptId: attempt);

        Assert.Equal(first.Status, second.Status);
        Assert.Equal(first.TaskStatus, second.TaskStatus);
        Assert.True(second.Duplicate);
        Assert.Equal(history, Job.HistoryCount);
        Assert.Equal(dispatches, Dispatches.Count());
        Assert.Equal("""{"reserved":"R-7"}""", Task("a").Output);
    }
}

public sealed class When_a_task_fails : JobSagaScenario
{
    [Fact]
    public async Task Should_retry_with_a_new_attempt_after_the_backoff_and_reject_the_old_attempt_as_stale()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        var firstAttempt = Task("a").AttemptId!.Value;

        var failed = await FailAsync("a", "warehouse offline");

        Assert.Equal(CommandStatus.Accepted, failed.Status);
        Assert.Equal(TaskRunStatus.Scheduled, failed.TaskStatus);
        var due = Task("a").ScheduledAt!.Value - Clock.GetUtcNow();
        Assert.InRange(due.TotalSeconds, 0.9, 1.1);
        var timer = Assert.Single(Timers, t => t.Message is StartScheduledTask);
        Assert.Equal(Task("a").ScheduledAt, timer.Request.DueAt);

        var started = await FireTimerAsync<StartScheduledTask>(m => m.TaskId == "a");

        Assert.Equal(CommandStatus.Accepted, started.Status);
        Assert.Equal(2, Task("a").Attempt);
        Assert.NotEqual(firstAttempt, Task("a").AttemptId);
        Assert.Equal([1, 2], Dispatches.Where(d => d.TaskId == "a").Select(d => d.Attempt));

        var stale = await CompleteAsync("a", attemptId: firstAttempt);
        Assert.Equal(CommandStatus.Rejected, stale.Status);
        Assert.StartsWith("stale attempt: attempt 1", stale.Reason, StringComparison.Ordinal);
        Assert.Equal(TaskRunStatus.Running, Task("a").Status);

        var again = await FireTimerAsync<StartScheduledTask>(m => m.TaskId == "a");
        Assert.Equal(CommandStatus.Rejected, again.Status);
        Assert.Equal(2, Task("a").Attempt);
    }

    [Fact]
    public async Task Should_fail_the_job_when_no_retries_remain()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        await FailAsync("a", "first");
        await FireTimerAsync<StartScheduledTask>(m => m.TaskId == "a");

        var last = await FailAsync("a", "second");

        Assert.Equal(TaskRunStatus.Failed, last.TaskStatus);
        Assert.Equal(JobStatus.Failed, Job.Status);
        Assert.Equal(new JobError("a", "second", Clock.GetUtcNow()), Assert.Single(Job.Errors));
        Assert.Contains(Job.Changes.Messages, m => m.Message is JobFailed);
    }

    [Fact]
    public async Task Should_never_retry_a_terminal_failure()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");

        await FailAsync("a", "bad request", terminal: true);

        Assert.Equal(1, Task("a").Attempt);
        Assert.Equal(JobStatus.Failed, Job.Status);
    }
}

public sealed class When_a_task_finishes_with_a_branching_state : JobSagaScenario
{
    [Fact]
    public async Task Should_follow_only_the_matching_transition_and_skip_the_other_branch()
    {
        await StartAsync("branching");

        await CompleteAsync("check", finishState: "error");

        Assert.Equal(TaskRunStatus.Skipped, Task("approve").Status);
        Assert.Equal(TaskRunStatus.Running, Task("escalate").Status);
        Assert.DoesNotContain(Dispatches, d => d.TaskId == "escalate");

        await CompleteAsync("escalate");
        Assert.Equal(JobStatus.Completed, Job.Status);
    }

    [Fact]
    public async Task Should_fail_the_job_when_no_transition_matches_the_finish_state()
    {
        await StartAsync("branching");

        var outcome = await CompleteAsync("check", finishState: "loop");

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        Assert.Equal(JobStatus.Failed, Job.Status);
        var error = Assert.Single(Job.Errors);
        Assert.Equal("check", error.Task);
        Assert.StartsWith("No available transitions found from completed task(s)", error.Message, StringComparison.Ordinal);
    }
}

public sealed class When_a_completion_is_not_acceptable : JobSagaScenario
{
    [Fact]
    public async Task Should_reject_a_denied_completion_and_keep_the_task_running()
    {
        await StartAsync("branching");

        var outcome = await CompleteAsync("check", result: new CompletionResult { Denied = true, DeniedReason = "four-eyes check failed" });

        Assert.Equal(CommandStatus.Rejected, outcome.Status);
        Assert.Equal("the completion was denied: four-eyes check failed", outcome.Reason);
        Assert.Equal(TaskRunStatus.Running, Task("check").Status);
        Assert.Contains(Job.Changes.History, h => h.Kind == "CompletionDenied" && h.Detail == outcome.Reason);
    }

    [Fact]
    public async Task Should_reject_an_oversized_output_and_change_nothing()
    {
        await StartAsync("branching");
        var before = Task("check").Output;

        var outcome = await CompleteAsync("check", output: $$"""{ "blob": "{{new string('x', 2000)}}" }""");

        Assert.Equal(CommandStatus.Rejected, outcome.Status);
        Assert.Contains("over the limit of 1024 bytes", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(before, Task("check").Output);
        Assert.Equal(TaskRunStatus.Running, Task("check").Status);
    }

    [Fact]
    public async Task Should_reject_output_that_is_not_an_object()
    {
        await StartAsync("branching");

        var outcome = await CompleteAsync("check", output: "[1, 2]");

        Assert.Equal("output must be a JSON object, not array", outcome.Reason);
    }

    [Fact]
    public async Task Should_reject_an_unknown_task_by_name()
    {
        await StartAsync("branching");

        var outcome = await SendAsync(new CompleteTask { JobId = JobId, TaskId = "ghost", AttemptId = NewId.NextGuid() });

        Assert.Equal(CommandStatus.Rejected, outcome.Status);
        Assert.Equal($"job {JobId} has no task 'ghost'", outcome.Reason);
    }

    [Fact]
    public async Task Should_tell_a_worker_of_a_failed_job_to_stop()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        await CompleteAsync("a", output: """{ "reserved": "R" }""");
        var c = Task("c").AttemptId!.Value;
        await FailAsync("b", "boom", terminal: true);

        var late = await CompleteAsync("c", attemptId: c);

        Assert.Equal(CommandStatus.Aborted, late.Status);
        Assert.Equal(TaskRunStatus.Cancelled, Task("c").Status);
    }

    [Fact]
    public async Task Should_answer_a_command_for_an_unknown_job_with_a_rejection()
    {
        var client = Harness.GetRequestClient<CompleteTask>();

        var response = await client.GetResponse<CommandOutcome>(new CompleteTask { JobId = JobId, TaskId = "a", AttemptId = NewId.NextGuid() });

        Assert.Equal(CommandStatus.Rejected, response.Message.Status);
        Assert.Equal($"unknown job {JobId}", response.Message.Reason);
    }
}
