using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Lifecycle;

[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_task_loops_back(QueueFlowFixture fixture)
{
    /// <summary>draft, then review, which loops back to draft on <c>loop</c> or goes on to publish.</summary>
    static string Revisions(string name, int maxIterations) => $$"""
        {
          "name": "{{name}}",
          "maxIterations": {{maxIterations}},
          "tasks": [
            { "id": "draft", "queue": "{{name}}.draft" },
            { "id": "review", "queue": "{{name}}.review" },
            { "id": "publish", "queue": "{{name}}.publish", "input": { "text": "${tasks.draft.output.text}" } }
          ],
          "transitions": [
            { "from": "workflow_start", "to": "draft" },
            { "from": "draft", "to": "review" },
            { "from": "review", "to": "draft", "state": "loop" },
            { "from": "review", "to": "publish" },
            { "from": "publish", "to": "workflow_end" }
          ]
        }
        """;

    [Fact]
    public async Task Should_run_the_body_again_as_a_new_iteration_and_then_complete()
    {
        var name = QueueFlowFixture.Unique("loop");
        var worker = await PlainJsonWorker.StartAsync(fixture, "loop", $"{name}.draft", $"{name}.review", $"{name}.publish");
        await worker.RegisterAsync(Revisions(name, 5));
        var jobId = await worker.StartJobAsync(name);
        await worker.CompleteAsync((await worker.RunOfAsync("draft", 1)).Run, """ "output": { "text": "v1" } """);

        var looped = await worker.CompleteAsync((await worker.RunOfAsync("review", 1)).Run, """ "finishState": "loop" """);

        Assert.Equal(CommandStatus.Accepted, looped.Status);
        var (draftAgain, _) = await worker.RunOfAsync("draft", 2);
        var job = await fixture.FindJobAsync(jobId);
        var draft = job!.Tasks.Single(t => t.TaskId == "draft");
        Assert.Equal(TaskRunStatus.Running, draft.Status);
        Assert.Equal(1, draft.Iteration);
        Assert.Equal(2, draft.Attempt);
        Assert.Equal(draftAgain.GetProperty("attemptId").GetGuid(), draft.AttemptId);
        Assert.Equal([0, 1], draft.Attempts.Select(a => a.Iteration));
        var review = job.Tasks.Single(t => t.TaskId == "review");
        Assert.Equal(TaskRunStatus.Pending, review.Status);
        Assert.Equal(1, review.Iteration);
        Assert.Equal(TaskRunStatus.Pending, job.Tasks.Single(t => t.TaskId == "publish").Status);

        await worker.CompleteAsync(draftAgain, """ "output": { "text": "v2" } """);
        var (reviewAgain, _) = await worker.RunOfAsync("review", 2);
        await worker.CompleteAsync(reviewAgain);
        var (publish, _) = await worker.RunOfAsync("publish", 1);
        Assert.Equal("v2", publish.GetProperty("input").GetProperty("text").GetString());
        await worker.CompleteAsync(publish);

        job = await fixture.WaitForJobAsync(jobId, JobStatus.Completed);
        Assert.Equal(2, job.Tasks.Single(t => t.TaskId == "draft").Attempt);
        Assert.Equal(2, job.Tasks.Single(t => t.TaskId == "review").Attempt);
        Assert.Equal(1, job.Tasks.Single(t => t.TaskId == "publish").Attempt);
        Assert.Equal(5, worker.Runs.Count);
    }

    [Fact]
    public async Task Should_fail_the_job_naming_the_loop_that_would_pass_the_maximum_iterations()
    {
        var name = QueueFlowFixture.Unique("loop-max");
        var worker = await PlainJsonWorker.StartAsync(fixture, "loop-max", $"{name}.draft", $"{name}.review", $"{name}.publish");
        await worker.RegisterAsync(Revisions(name, 2));
        var jobId = await worker.StartJobAsync(name);
        await worker.CompleteAsync((await worker.RunOfAsync("draft", 1)).Run);
        Assert.Equal(CommandStatus.Accepted, (await worker.CompleteAsync((await worker.RunOfAsync("review", 1)).Run, """ "finishState": "loop" """)).Status);
        await worker.CompleteAsync((await worker.RunOfAsync("draft", 2)).Run);

        var outcome = await worker.CompleteAsync((await worker.RunOfAsync("review", 2)).Run, """ "finishState": "loop" """);

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        Assert.Equal(JobStatus.Failed, outcome.JobStatus);
        var job = await fixture.WaitForJobAsync(jobId, JobStatus.Failed);
        var error = Assert.Single(job.Errors);
        Assert.Equal("draft", error.Task);
        Assert.Equal("task 'draft' reached the workflow's maximum of 2 iterations (loop 'review' -> 'draft' on 'loop')", error.Message);
        var draft = job.Tasks.Single(t => t.TaskId == "draft");
        Assert.Equal(2, draft.Attempt);
        Assert.Equal(1, draft.Iteration);
        Assert.Equal(4, worker.Runs.Count);
    }
}
