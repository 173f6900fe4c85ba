using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Lifecycle;

[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_task_fails_under_its_failure_policy(QueueFlowFixture fixture)
{
    [Theory]
    [InlineData("continue")]
    [InlineData("skipTask")]
    public async Task Should_carry_on_and_complete_the_job_with_the_failure_in_its_errors(string policy)
    {
        var name = QueueFlowFixture.Unique($"carry-on-{policy}");
        var worker = await PlainJsonWorker.StartAsync(fixture, $"carry-on-{policy}", name);
        await worker.RegisterAsync($$"""
            { "name": "{{name}}",
              "tasks": [ { "id": "risky", "queue": "{{name}}", "retries": 0, "onFailure": "{{policy}}" }, { "id": "after", "queue": "{{name}}" } ],
              "transitions": [ { "from": "workflow_start", "to": "risky" }, { "from": "risky", "to": "after" }, { "from": "after", "to": "workflow_end" } ] }
            """);
        var jobId = await worker.StartJobAsync(name);

        var failed = await worker.FailAsync((await worker.RunOfAsync("risky", 1)).Run, "quota exceeded");

        Assert.Equal(CommandStatus.Accepted, failed.Status);
        Assert.Equal(TaskRunStatus.Failed, failed.TaskStatus);
        Assert.Equal(JobStatus.Running, failed.JobStatus);
        await worker.CompleteAsync((await worker.RunOfAsync("after", 1)).Run);
        var job = await fixture.WaitForJobAsync(jobId, JobStatus.Completed);
        var error = Assert.Single(job.Errors);
        Assert.Equal("risky", error.Task);
        Assert.Equal("quota exceeded", error.Message);
        var risky = job.Tasks.Single(t => t.TaskId == "risky");
        Assert.Equal(TaskRunStatus.Failed, risky.Status);
        Assert.Equal("quota exceeded", risky.Error);
        Assert.Equal(TaskRunStatus.Completed, job.Tasks.Single(t => t.TaskId == "after").Status);
    }

    [Fact]
    public async Task Should_follow_the_error_transition_and_skip_the_success_branch()
    {
        var name = QueueFlowFixture.Unique("error-branch");
        var worker = await PlainJsonWorker.StartAsync(fixture, "error-branch", $"{name}.guarded", $"{name}.ship", $"{name}.handle");
        await worker.RegisterAsync($$"""
            { "name": "{{name}}",
              "tasks": [
                { "id": "guarded", "queue": "{{name}}.guarded", "retries": 0, "onFailure": "errorTransition" },
                { "id": "ship", "queue": "{{name}}.ship" },
                { "id": "handle", "queue": "{{name}}.handle" }
              ],
              "transitions": [
                { "from": "workflow_start", "to": "guarded" },
                { "from": "guarded", "to": "ship" },
                { "from": "guarded", "to": "handle", "state": "error" },
                { "from": "ship", "to": "workflow_end" },
                { "from": "handle", "to": "workflow_end" }
              ] }
            """);
        var jobId = await worker.StartJobAsync(name);

        var failed = await worker.FailAsync((await worker.RunOfAsync("guarded", 1)).Run, "card declined", terminal: true);

        Assert.Equal(CommandStatus.Accepted, failed.Status);
        Assert.Equal(TaskRunStatus.Failed, failed.TaskStatus);
        var (handle, _) = await worker.RunOfAsync("handle", 1);
        var job = await fixture.FindJobAsync(jobId);
        var guarded = job!.Tasks.Single(t => t.TaskId == "guarded");
        Assert.Equal(TaskRunStatus.Failed, guarded.Status);
        Assert.Equal("error", guarded.FinishState);
        Assert.Equal(TaskRunStatus.Skipped, job.Tasks.Single(t => t.TaskId == "ship").Status);
        Assert.Equal(TaskRunStatus.Running, job.Tasks.Single(t => t.TaskId == "handle").Status);

        await worker.CompleteAsync(handle);
        job = await fixture.WaitForJobAsync(jobId, JobStatus.Completed);
        Assert.Empty(job.Errors);
        Assert.Equal(TaskRunStatus.Skipped, job.Tasks.Single(t => t.TaskId == "ship").Status);
        Assert.DoesNotContain(worker.Runs, r => r.GetProperty("taskId").GetString() == "ship");
        var history = await fixture.HistoryAsync(jobId);
        Assert.Contains(history, h => h.Kind == "TaskSkipped" && h.TaskId == "ship");
    }
}
