using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Lifecycle;

[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_task_state_is_forced(QueueFlowFixture fixture)
{
    [Fact]
    public async Task Should_complete_a_Pending_task_and_skip_ahead_while_the_unforced_proposal_is_rejected()
    {
        var name = QueueFlowFixture.Unique("forced");
        var worker = await PlainJsonWorker.StartAsync(fixture, "forced", name);
        await worker.RegisterAsync(Workflows.Chain(name, 3));
        var jobId = await worker.StartJobAsync(name);
        var (t1, _) = await worker.RunOfAsync("t1", 1);
        var proposal = $$"""{ "jobId": "{{jobId}}", "taskId": "t2", "state": "Completed", "output": { "via": "force" } """;

        var unforced = await worker.SendAsync("SetTaskState", proposal + "}");

        Assert.Equal(CommandStatus.Rejected, unforced.Status);
        Assert.Equal("task 't2' has not been reached yet", unforced.Reason);
        Assert.Equal(TaskRunStatus.Pending, unforced.TaskStatus);
        var job = await fixture.FindJobAsync(jobId);
        Assert.Equal(TaskRunStatus.Pending, job!.Tasks.Single(t => t.TaskId == "t2").Status);
        Assert.Equal("{}", job.Tasks.Single(t => t.TaskId == "t2").Output);

        var forced = await worker.SendAsync("SetTaskState", proposal + """, "force": true }""");

        Assert.Equal(CommandStatus.Accepted, forced.Status);
        Assert.Equal(TaskRunStatus.Completed, forced.TaskStatus);
        var (t3, _) = await worker.RunOfAsync("t3", 1);
        job = await fixture.FindJobAsync(jobId);
        var t2 = job!.Tasks.Single(t => t.TaskId == "t2");
        Assert.Equal(TaskRunStatus.Completed, t2.Status);
        Assert.Equal("success", t2.FinishState);
        Assert.Equal("""{"via": "force"}""", t2.Output);
        Assert.Equal(0, t2.Attempt);
        Assert.Equal(TaskRunStatus.Running, job.Tasks.Single(t => t.TaskId == "t1").Status);
        Assert.Equal(TaskRunStatus.Running, job.Tasks.Single(t => t.TaskId == "t3").Status);
        var history = await fixture.HistoryAsync(jobId);
        Assert.Contains(history, h => h.Kind == "TaskCompleted" && h.TaskId == "t2" && h.Detail == "forced");

        Assert.Equal(CommandStatus.Accepted, (await worker.CompleteAsync(t1)).Status);
        Assert.Equal(CommandStatus.Accepted, (await worker.CompleteAsync(t3)).Status);
        job = await fixture.WaitForJobAsync(jobId, JobStatus.Completed);
        Assert.All(job.Tasks, t => Assert.Equal(TaskRunStatus.Completed, t.Status));
        Assert.DoesNotContain(worker.Runs, r => r.GetProperty("taskId").GetString() == "t2");
    }
}
