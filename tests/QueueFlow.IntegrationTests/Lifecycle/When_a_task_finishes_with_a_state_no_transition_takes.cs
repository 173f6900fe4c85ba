using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Lifecycle;

[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_task_finishes_with_a_state_no_transition_takes(QueueFlowFixture fixture)
{
    [Fact]
    public async Task Should_fail_the_job_naming_the_task()
    {
        var name = QueueFlowFixture.Unique("no-transition");
        var worker = await PlainJsonWorker.StartAsync(fixture, "no-transition", name);
        await worker.RegisterAsync(Workflows.Chain(name, 2));
        var jobId = await worker.StartJobAsync(name);
        var (run, _) = await worker.RunOfAsync("t1", 1);

        var outcome = await worker.CompleteAsync(run, """ "finishState": "escalate" """);

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        Assert.Equal(JobStatus.Failed, outcome.JobStatus);
        var job = await fixture.WaitForJobAsync(jobId, JobStatus.Failed);
        var error = Assert.Single(job.Errors);
        Assert.Equal("t1", error.Task);
        Assert.StartsWith("No available transitions found from completed task(s)", error.Message, StringComparison.Ordinal);
        Assert.Contains("'t1'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'escalate'", error.Message, StringComparison.Ordinal);
        var t1 = job.Tasks.Single(t => t.TaskId == "t1");
        Assert.Equal(TaskRunStatus.Completed, t1.Status);
        Assert.Equal("escalate", t1.FinishState);
        Assert.Equal(TaskRunStatus.Pending, job.Tasks.Single(t => t.TaskId == "t2").Status);
        Assert.NotNull(job.EndedAt);
        var history = await fixture.HistoryAsync(jobId);
        Assert.Equal("JobFailed", history[^1].Kind);
        Assert.Equal(error.Message, history[^1].Detail);
        Assert.Single(worker.Runs);
    }
}
