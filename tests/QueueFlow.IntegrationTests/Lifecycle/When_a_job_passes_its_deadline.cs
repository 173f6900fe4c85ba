using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Lifecycle;

[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_job_passes_its_deadline(QueueFlowFixture fixture)
{
    [Fact]
    public async Task Should_cancel_the_job_and_its_task_and_abort_a_late_completion()
    {
        var name = QueueFlowFixture.Unique("deadline");
        var worker = await PlainJsonWorker.StartAsync(fixture, "deadline", name);
        await worker.RegisterAsync($$"""
            { "name": "{{name}}", "deadlineSeconds": 1, "onDeadline": "cancelJob",
              "tasks": [ { "id": "forever", "queue": "{{name}}" } ],
              "transitions": [ { "from": "workflow_start", "to": "forever" }, { "from": "forever", "to": "workflow_end" } ] }
            """);
        var jobId = await worker.StartJobAsync(name);
        var (run, _) = await worker.RunOfAsync("forever", 1);

        var job = await fixture.WaitForJobAsync(jobId, JobStatus.Cancelled, TimeSpan.FromSeconds(20));

        var task = Assert.Single(job.Tasks);
        Assert.Equal(TaskRunStatus.Cancelled, task.Status);
        Assert.Equal(TaskRunStatus.Cancelled, Assert.Single(task.Attempts).Status);
        Assert.True(job.EndedAt - job.CreatedAt >= TimeSpan.FromSeconds(0.9), $"cancelled {(job.EndedAt - job.CreatedAt)?.TotalMilliseconds} ms after the start");
        var history = await fixture.HistoryAsync(jobId);
        Assert.Equal("JobCancelled", history[^1].Kind);
        Assert.Equal("the job's deadline of 1s passed", history[^1].Detail);

        var late = await worker.CompleteAsync(run, """ "output": { "late": true } """);

        Assert.Equal(CommandStatus.Aborted, late.Status);
        Assert.Equal(JobStatus.Cancelled, late.JobStatus);
        Assert.Equal($"job {jobId} is Cancelled: stop working on it", late.Reason);
        job = await fixture.FindJobAsync(jobId);
        Assert.Equal(JobStatus.Cancelled, job!.Status);
        Assert.Equal("{}", Assert.Single(job.Tasks).Output);
    }
}
