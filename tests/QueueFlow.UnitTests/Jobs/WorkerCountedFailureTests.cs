using MassTransit;
using QueueFlow.Contracts;
using QueueFlow.Core.Adapters;

namespace QueueFlow.UnitTests.Jobs;

/// <summary>A failure that says how many retries are left and how long to back off, as Camunda's fail job does.</summary>
public sealed class When_a_worker_counts_the_retries_left : JobSagaScenario
{
    [Fact]
    public async Task Should_retry_after_the_workers_backoff_past_the_tasks_retries_until_none_is_left()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");

        var first = await FailAsync("a", retriesLeft: 3, backOffMs: 5000);

        Assert.Equal(CommandStatus.Accepted, first.Status);
        Assert.Equal(TaskRunStatus.Scheduled, Task("a").Status);
        Assert.Equal(Clock.GetUtcNow().AddSeconds(5), Task("a").ScheduledAt);
        await FireTimerAsync<StartScheduledTask>(m => m.TaskId == "a");
        Assert.Equal((TaskRunStatus.Running, 2), (Task("a").Status, Task("a").Attempt));

        // The definition allows one retry; the worker's count says two more, and wins.
        await FailAsync("a", retriesLeft: 2, backOffMs: 0);
        Assert.Equal((TaskRunStatus.Running, 3), (Task("a").Status, Task("a").Attempt));

        await FailAsync("a", retriesLeft: 0, backOffMs: 0);
        Assert.Equal(TaskRunStatus.Failed, Task("a").Status);
        Assert.Equal(JobStatus.Failed, Job.Status);
    }

    [Fact]
    public async Task Should_fail_for_good_with_no_retries_left_though_the_task_has_retries()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");

        await FailAsync("a", retriesLeft: 0, backOffMs: 1000);

        Assert.Equal((TaskRunStatus.Failed, 1), (Task("a").Status, Task("a").Attempt));
        Assert.Equal(JobStatus.Failed, Job.Status);
        Assert.DoesNotContain(Timers, t => !t.Request.IsCancel && t.Message is StartScheduledTask);
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(1, -5)]
    public async Task Should_reject_a_negative_count_or_backoff_and_leave_the_task_running(int retriesLeft, long backOffMs)
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");

        var outcome = await FailAsync("a", retriesLeft, backOffMs);

        Assert.Equal(CommandStatus.Rejected, outcome.Status);
        Assert.True(RejectionReasons.IsInvalid(outcome.Reason), outcome.Reason);
        Assert.Equal(TaskRunStatus.Running, Task("a").Status);
    }

    Task<CommandOutcome> FailAsync(string taskId, int retriesLeft, long backOffMs) =>
        SendAsync(new FailTask
        {
            JobId = JobId,
            TaskId = taskId,
            AttemptId = Task(taskId).AttemptId!.Value,
            Error = "connection reset",
            RetriesLeft = retriesLeft,
            RetryBackOffMs = backOffMs,
            CommandId = NewId.NextGuid(),
        });
}
