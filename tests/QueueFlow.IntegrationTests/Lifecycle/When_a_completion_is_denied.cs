using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Lifecycle;

[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_completion_is_denied(QueueFlowFixture fixture)
{
    [Fact]
    public async Task Should_reject_it_with_the_reason_keep_the_task_running_and_accept_a_later_completion()
    {
        var name = QueueFlowFixture.Unique("denied");
        var worker = await PlainJsonWorker.StartAsync(fixture, "denied", name);
        await worker.RegisterAsync(Workflows.Chain(name, 1));
        var jobId = await worker.StartJobAsync(name);
        var (run, _) = await worker.RunOfAsync("t1", 1);

        var denied = await worker.CompleteAsync(run, """ "output": { "approved": false }, "result": { "denied": true, "deniedReason": "four-eyes check failed" } """);

        Assert.Equal(CommandStatus.Rejected, denied.Status);
        Assert.Equal("the completion was denied: four-eyes check failed", denied.Reason);
        Assert.Equal(TaskRunStatus.Running, denied.TaskStatus);
        var job = await fixture.FindJobAsync(jobId);
        Assert.Equal(JobStatus.Running, job!.Status);
        var task = Assert.Single(job.Tasks);
        Assert.Equal(TaskRunStatus.Running, task.Status);
        Assert.Equal("{}", task.Output);
        Assert.Equal(TaskRunStatus.Running, Assert.Single(task.Attempts).Status);
        var history = await fixture.HistoryAsync(jobId);
        var entry = Assert.Single(history, h => h.Kind == "CompletionDenied");
        Assert.Equal("t1", entry.TaskId);
        Assert.Equal(run.GetProperty("attemptId").GetGuid(), entry.AttemptId);
        Assert.Equal(denied.Reason, entry.Detail);

        var completed = await worker.CompleteAsync(run, """ "output": { "approved": true } """);

        Assert.Equal(CommandStatus.Accepted, completed.Status);
        Assert.False(completed.Duplicate);
        Assert.Equal(TaskRunStatus.Completed, completed.TaskStatus);
        job = await fixture.WaitForJobAsync(jobId, JobStatus.Completed);
        Assert.Equal("""{"approved": true}""", Assert.Single(job.Tasks).Output);
        Assert.Empty(job.Errors);
    }
}
