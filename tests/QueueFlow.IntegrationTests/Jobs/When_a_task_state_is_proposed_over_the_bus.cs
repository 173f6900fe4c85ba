using System.Text.Json;
using MassTransit;
using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Jobs;

[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_task_state_is_proposed_over_the_bus(QueueFlowFixture fixture)
{
    [Fact]
    public async Task Should_answer_each_proposal_and_apply_the_accepted_ones()
    {
        var name = QueueFlowFixture.Unique("proposals");
        Assert.True((await fixture.RegisterWorkflowAsync(Workflows.Chain(name, 2))).Accepted);
        var runs = await fixture.Amqp.CollectAsync(name);
        var replyQueue = QueueFlowFixture.Unique("proposal-replies");
        var replies = await fixture.Amqp.CollectAsync(replyQueue);
        var jobId = NewId.NextGuid();
        await fixture.SendAsync(new StartJob { JobId = jobId, Workflow = name });
        await Eventually.Until(() => Task.FromResult(runs.Count), n => n == 1, "t1 to be dispatched");

        async Task<CommandOutcome> ProposeAsync(string json, int answers)
        {
            await fixture.Amqp.PublishAsync("QueueFlow.Contracts:SetTaskState", "SetTaskState", json, headers: new Dictionary<string, object?>
            {
                ["RequestId"] = Guid.NewGuid().ToString(),
                ["MT-Response-Address"] = $"queue:{replyQueue}",
            });
            var all = await Eventually.Until(() => Task.FromResult(replies.ToArray()), r => r.Length == answers, "the proposal to be answered");
            return all[^1].Deserialize<CommandOutcome>(JsonSerializerOptions.Web)!;
        }

        var duplicateRunning = await ProposeAsync($$"""{ "jobId": "{{jobId}}", "taskId": "t1", "state": "Running" }""", 1);
        Assert.Equal(CommandStatus.Rejected, duplicateRunning.Status);
        Assert.Equal("task 't1' is already Running", duplicateRunning.Reason);

        var notReached = await ProposeAsync($$"""{ "jobId": "{{jobId}}", "taskId": "t2", "state": "Completed" }""", 2);
        Assert.Equal(CommandStatus.Rejected, notReached.Status);

        var completed = await ProposeAsync($$"""{ "jobId": "{{jobId}}", "taskId": "t1", "state": "Completed", "output": { "via": "set_state" } }""", 3);
        Assert.Equal(CommandStatus.Accepted, completed.Status);
        Assert.Equal(TaskRunStatus.Completed, completed.TaskStatus);
        await Eventually.Until(() => Task.FromResult(runs.Count), n => n == 2, "t2 to be dispatched after t1 completed");

        var unknownJob = await ProposeAsync($$"""{ "jobId": "{{Guid.NewGuid()}}", "taskId": "t1", "state": "Running" }""", 4);
        Assert.Equal(CommandStatus.Aborted, unknownJob.Status);

        var job = await fixture.FindJobAsync(jobId);
        Assert.Equal("""{"via": "set_state"}""", job!.Tasks.Single(t => t.TaskId == "t1").Output);
    }
}
