using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Lifecycle;

[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_forced_completion_reaches_the_end(QueueFlowFixture fixture)
{
    [Fact]
    public async Task Should_not_leave_a_task_running_in_the_completed_job()
    {
        var name = QueueFlowFixture.Unique("forced-end");
        var worker = await PlainJsonWorker.StartAsync(fixture, "forced-end", name);
        await worker.RegisterAsync(Workflows.Chain(name, 2));
        var jobId = await worker.StartJobAsync(name);
        var (t1, _) = await worker.RunOfAsync("t1", 1);

        var forced = await worker.SendAsync("SetTaskState", $$"""{ "jobId": "{{jobId}}", "taskId": "t2", "state": "Completed", "force": true }""");

        Assert.Equal(CommandStatus.Accepted, forced.Status);
        Assert.Equal(JobStatus.Completed, forced.JobStatus);
        var job = await fixture.WaitForJobAsync(jobId, JobStatus.Completed);
        var running = job.Tasks.Single(t => t.TaskId == "t1");
        Assert.Equal(TaskRunStatus.Cancelled, running.Status);
        Assert.Equal(TaskRunStatus.Cancelled, Assert.Single(running.Attempts).Status);
        var late = await worker.CompleteAsync(t1);
        Assert.Equal(CommandStatus.Aborted, late.Status);
        Assert.NotEqual(TaskRunStatus.Running, late.TaskStatus);
    }
}
