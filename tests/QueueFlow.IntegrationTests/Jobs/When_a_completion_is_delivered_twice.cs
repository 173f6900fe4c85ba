using System.Text.Json;
using MassTransit;
using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Jobs;

[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_completion_is_delivered_twice(QueueFlowFixture fixture)
{
    [Fact]
    public async Task Should_apply_it_once_and_answer_the_second_like_the_first()
    {
        var name = QueueFlowFixture.Unique("twice");
        Assert.True((await fixture.RegisterWorkflowAsync(Workflows.Chain(name, 2))).Accepted);
        var runs = await fixture.Amqp.CollectAsync(name);
        var replies = await fixture.Amqp.CollectAsync(QueueFlowFixture.Unique("twice-replies"));

        var jobId = NewId.NextGuid();
        await fixture.SendAsync(new StartJob { JobId = jobId, Workflow = name });
        var first = await Eventually.Until(() => Task.FromResult(runs.ToArray()), r => r.Length == 1, "t1 to be dispatched");
        var attemptId = first[0].GetProperty("attemptId").GetGuid();

        var completion = $$"""{ "jobId": "{{jobId}}", "taskId": "t1", "attemptId": "{{attemptId}}", "output": { "n": 1 } }""";
        foreach (var requestId in new[] { Guid.NewGuid(), Guid.NewGuid() })
        {
            await fixture.Amqp.PublishAsync(TestSettings.JobsQueue, "CompleteTask", completion, headers: new Dictionary<string, object?>
            {
                ["RequestId"] = requestId.ToString(),
                ["MT-Response-Address"] = $"queue:{QueueFlowFixture.Unique("twice-replies")}",
            });
        }

        var answers = await Eventually.Until(() => Task.FromResult(replies.ToArray()), r => r.Length == 2, "both completions to be answered");
        var outcomes = answers.Select(a => a.Deserialize<CommandOutcome>(JsonSerializerOptions.Web)!).ToList();
        Assert.All(outcomes, o => Assert.Equal(CommandStatus.Accepted, o.Status));
        Assert.All(outcomes, o => Assert.Equal(TaskRunStatus.Completed, o.TaskStatus));
        Assert.Equal([false, true], outcomes.Select(o => o.Duplicate).Order());

        await Eventually.Until(() => Task.FromResult(runs.Count), c => c >= 2, "t2 to be dispatched");
        var job = await fixture.FindJobAsync(jobId);
        Assert.Equal(2, runs.Count);
        Assert.Equal(1, job!.Tasks.Single(t => t.TaskId == "t2").Attempt);
        var history = await fixture.HistoryAsync(jobId);
        Assert.Single(history, h => h.Kind == "TaskCompleted" && h.TaskId == "t1");
    }
}
