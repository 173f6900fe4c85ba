using MassTransit;
using QueueFlow.Contracts;

namespace QueueFlow.UnitTests.Jobs;

/// <summary>An operator continues a Failed job from a task, on the in-memory harness.</summary>
public sealed class When_a_failed_job_is_continued : JobSagaScenario
{
    Task<CommandOutcome> ContinueAsync(string? fromTask = null, Guid? commandId = null) =>
        SendAsync(new ContinueJob { JobId = JobId, FromTask = fromTask, CommandId = commandId ?? NewId.NextGuid() });

    [Fact]
    public async Task Should_run_the_task_it_failed_on_as_a_new_iteration()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        await FailAsync("a", "down", terminal: true);

        var outcome = await ContinueAsync();

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        Assert.Equal("a", outcome.TaskId);
        Assert.Equal(JobStatus.Running, Job.Status);
        var a = Task("a");
        Assert.Equal(TaskRunStatus.Running, a.Status);
        Assert.Equal(1, a.Iteration);
        Assert.Equal(2, a.Attempt);
        Assert.Equal(1, a.Attempts[^1].Iteration);
        Assert.Single(Dispatches, r => r.TaskId == "a" && r.AttemptId == a.AttemptId);
    }

    [Fact]
    public async Task Should_skip_ahead_to_a_named_task_and_complete_the_job_from_there()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        await CompleteAsync("a", output: """{ "reserved": "R-1" }""");
        await CompleteAsync("b");
        await FailAsync("c", "boom", terminal: true);

        var outcome = await ContinueAsync("d");

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        Assert.Equal(TaskRunStatus.Running, Task("d").Status);
        Assert.Equal(0, Task("d").Iteration);
        Assert.Equal(TaskRunStatus.Failed, Task("c").Status);
        Assert.Equal(CommandStatus.Accepted, (await CompleteAsync("d")).Status);
        Assert.Equal(JobStatus.Completed, Job.Status);
    }

    [Fact]
    public async Task Should_refuse_to_continue_a_job_that_has_not_failed()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");

        var outcome = await ContinueAsync("a");

        Assert.Equal(CommandStatus.Rejected, outcome.Status);
        Assert.Equal($"job {JobId} is Running: only a Failed job is continued", outcome.Reason);
    }

    [Fact]
    public async Task Should_reject_continuing_from_a_task_the_job_does_not_have()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        await FailAsync("a", "down", terminal: true);

        var outcome = await ContinueAsync("nope");

        Assert.Equal(CommandStatus.Rejected, outcome.Status);
        Assert.Equal($"job {JobId} has no task 'nope'", outcome.Reason);
        Assert.Equal(JobStatus.Failed, Job.Status);
    }

    [Fact]
    public async Task Should_reject_continuing_from_a_task_whose_successors_already_ran()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        await CompleteAsync("a", output: """{ "reserved": "R-1" }""");
        await CompleteAsync("b");
        await FailAsync("c", "boom", terminal: true);

        var outcome = await ContinueAsync("a");

        Assert.Equal(CommandStatus.Rejected, outcome.Status);
        Assert.Equal("task 'b' after 'a' has already run (Completed): continue from a task whose successors have not run, or revert to 'a'", outcome.Reason);
        Assert.Equal(JobStatus.Failed, Job.Status);
    }

    [Fact]
    public async Task Should_abort_continuing_a_completed_job()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        await CompleteAsync("a", output: """{ "reserved": "R-1" }""");
        await CompleteAsync("b");
        await CompleteAsync("c");
        await CompleteAsync("d");

        var outcome = await ContinueAsync("a");

        Assert.Equal(CommandStatus.Aborted, outcome.Status);
        Assert.Equal(JobStatus.Completed, Job.Status);
    }
}
