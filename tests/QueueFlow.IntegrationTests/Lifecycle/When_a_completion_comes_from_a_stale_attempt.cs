using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Lifecycle;

[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_completion_comes_from_a_stale_attempt(QueueFlowFixture fixture)
{
    [Fact]
    public async Task Should_reject_it_as_stale_and_change_nothing()
    {
        var name = QueueFlowFixture.Unique("stale");
        var worker = await PlainJsonWorker.StartAsync(fixture, "stale", name);
        await worker.RegisterAsync($$"""
            { "name": "{{name}}", "tasks": [ { "id": "flaky", "queue": "{{name}}", "retries": 1, "retryDelaySeconds": 0 } ],
              "transitions": [ { "from": "workflow_start", "to": "flaky" }, { "from": "flaky", "to": "workflow_end" } ] }
            """);
        var jobId = await worker.StartJobAsync(name);
        var (first, _) = await worker.RunOfAsync("flaky", 1);
        var failed = await worker.FailAsync(first, "connection reset");
        Assert.Equal(CommandStatus.Accepted, failed.Status);
        var (second, _) = await worker.RunOfAsync("flaky", 2);
        var secondAttempt = second.GetProperty("attemptId").GetGuid();
        var historyBefore = (await fixture.HistoryAsync(jobId)).Count;

        var stale = await worker.CompleteAsync(first, """ "output": { "from": "attempt 1" } """);

        Assert.Equal(CommandStatus.Rejected, stale.Status);
        Assert.StartsWith("stale attempt: attempt 1", stale.Reason, StringComparison.Ordinal);
        Assert.Contains(secondAttempt.ToString(), stale.Reason, StringComparison.Ordinal);
        Assert.Equal(TaskRunStatus.Running, stale.TaskStatus);
        var job = await fixture.FindJobAsync(jobId);
        Assert.Equal(JobStatus.Running, job!.Status);
        var flaky = Assert.Single(job.Tasks);
        Assert.Equal(TaskRunStatus.Running, flaky.Status);
        Assert.Equal(2, flaky.Attempt);
        Assert.Equal(secondAttempt, flaky.AttemptId);
        Assert.Equal("{}", flaky.Output);
        Assert.Equal([TaskRunStatus.Failed, TaskRunStatus.Running], flaky.Attempts.Select(a => a.Status));
        var rejected = Assert.Single((await fixture.HistoryAsync(jobId)).Skip(historyBefore));
        Assert.Equal("CommandRejected", rejected.Kind);
        Assert.Equal(first.GetProperty("attemptId").GetGuid(), rejected.AttemptId);
        Assert.Equal(2, worker.Runs.Count);

        Assert.Equal(CommandStatus.Accepted, (await worker.CompleteAsync(second, """ "output": { "from": "attempt 2" } """)).Status);
        job = await fixture.WaitForJobAsync(jobId, JobStatus.Completed);
        Assert.Equal("""{"from": "attempt 2"}""", Assert.Single(job.Tasks).Output);
    }
}
