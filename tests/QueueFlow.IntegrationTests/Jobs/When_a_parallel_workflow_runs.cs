using System.Collections.Concurrent;
using System.Text.Json;
using MassTransit;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Jobs;

[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_parallel_workflow_runs(QueueFlowFixture fixture)
{
    [Fact]
    public async Task Should_dispatch_each_task_once_join_the_branches_and_complete_with_outputs_recorded()
    {
        var name = QueueFlowFixture.Unique("diamond");
        var registration = await fixture.RegisterWorkflowAsync(Workflows.Diamond(name));
        Assert.True(registration.Accepted, string.Join("; ", registration.Errors));

        var dispatches = new ConcurrentBag<JsonElement>();
        foreach (var task in new[] { "a", "b", "c", "d" })
        {
            await fixture.Amqp.ConsumeAsync($"{name}.{task}", async (run, _) =>
            {
                dispatches.Add(run);
                var taskId = run.GetProperty("taskId").GetString()!;
                var output = taskId switch
                {
                    "a" => """{ "reservation": "R-1" }""",
                    "c" => """{ "label": "L-9" }""",
                    _ => $$"""{ "done": "{{taskId}}" }""",
                };
                await fixture.Amqp.PublishAsync("QueueFlow.Contracts:CompleteTask", "CompleteTask", $$"""
                    { "jobId": "{{run.GetProperty("jobId").GetGuid()}}", "taskId": "{{taskId}}",
                      "attemptId": "{{run.GetProperty("attemptId").GetGuid()}}", "output": {{output}}, "owner": "worker-{{taskId}}" }
                    """);
            });
        }

        var jobId = NewId.NextGuid();
        var started = await fixture.SendAsync(new StartJob { JobId = jobId, Workflow = name, Owner = "ops@example.com", Variables = JsonDocument.Parse("""{ "orderId": "O-17" }""").RootElement });
        Assert.Equal(CommandStatus.Accepted, started.Status);

        var job = await fixture.WaitForJobAsync(jobId, JobStatus.Completed);

        Assert.Equal(["a", "b", "c", "d"], dispatches.Select(d => d.GetProperty("taskId").GetString()).Order());
        Assert.All(job.Tasks, t => Assert.Equal(TaskRunStatus.Completed, t.Status));
        Assert.All(job.Tasks, t => Assert.Equal(1, t.Attempt));
        Assert.Equal("""{"reservation": "R-1"}""", job.Tasks.Single(t => t.TaskId == "a").Output);
        Assert.Equal("""{"orderId": "O-17"}""", job.Tasks.Single(t => t.TaskId == "a").Input);
        Assert.Equal("""{"reservation": "R-1"}""", job.Tasks.Single(t => t.TaskId == "b").Input);
        Assert.Equal("""{"label": "L-9"}""", job.Tasks.Single(t => t.TaskId == "d").Input);

        var d = job.Tasks.Single(t => t.TaskId == "d");
        Assert.True(d.StartedAt >= job.Tasks.Where(t => t.TaskId is "b" or "c").Max(t => t.EndedAt), "d started before both branches had ended");

        var metrics = JobMetrics.Of(job, DateTimeOffset.UtcNow);
        Assert.Equal("ops@example.com", metrics.Job.Owner);
        Assert.Equal("complete", metrics.Job.FinishState);
        Assert.Equal("worker-d", metrics.Tasks["d"].Owner);
        Assert.Equal("success", metrics.Tasks["d"].FinishState);
        Assert.True(metrics.Job.RunTimeMs >= metrics.Tasks["d"].RunTimeMs);

        var history = await fixture.HistoryAsync(jobId);
        Assert.Equal(Enumerable.Range(1, history.Count), history.Select(h => h.Sequence));
        Assert.Equal("JobStarted", history[0].Kind);
        Assert.Equal("JobCompleted", history[^1].Kind);
        Assert.Equal(4, history.Count(h => h.Kind == "TaskCompleted"));
    }
}
