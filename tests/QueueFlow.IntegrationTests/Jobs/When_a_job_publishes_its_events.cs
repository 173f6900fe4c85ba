using System.Text.Json;
using MassTransit;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Jobs;

/// <summary>
/// Which events a job publishes by default: its job events on their fanout exchanges, its task events only to
/// its watchers (the fanout copy of TaskStateChanged is opt-in, Outbox:PublishTaskStateChanged).
/// </summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_job_publishes_its_events(QueueFlowFixture fixture)
{
    [Fact]
    public async Task Should_publish_job_events_to_everyone_and_task_events_only_to_watchers()
    {
        var name = QueueFlowFixture.Unique("events");
        Assert.True((await fixture.RegisterWorkflowAsync(Workflows.Chain(name, 2))).Accepted);
        var runs = await fixture.Amqp.CollectAsync(name);

        // One queue on both fanout exchanges: a task event is published before the job event of the same commit,
        // each confirmed before the next, so once JobStateChanged Completed is here any fanout TaskStateChanged is too.
        var fanout = QueueFlowFixture.Unique("events-fanout");
        await fixture.Amqp.BindFanoutAsync(fanout, "QueueFlow.Contracts:TaskStateChanged");
        await fixture.Amqp.BindFanoutAsync(fanout, "QueueFlow.Contracts:JobStateChanged");
        var published = await fixture.Amqp.CollectAsync(fanout);
        var watcher = QueueFlowFixture.Unique("events-watcher");
        var watchQueue = QueueFlowFixture.Unique("events-watch-queue");
        await fixture.Amqp.BindAsync(watchQueue, WatchDestination.Exchange, watcher);
        var watched = await fixture.Amqp.CollectAsync(watchQueue);

        var jobId = NewId.NextGuid();
        Assert.Equal(CommandStatus.Accepted, (await fixture.SendAsync(new StartJob { JobId = jobId, Workflow = name })).Status);
        Assert.Equal(CommandStatus.Accepted, (await fixture.SendAsync(new WatchJob { JobId = jobId, Watcher = watcher })).Status);
        foreach (var (taskId, dispatched) in new[] { ("t1", 1), ("t2", 2) })
        {
            var run = await Eventually.Until(() => Task.FromResult(runs.Where(r => Of(r, jobId)).ToArray()), r => r.Length == dispatched, $"{taskId} to be dispatched");
            await fixture.SendAsync(new CompleteTask { JobId = jobId, TaskId = taskId, AttemptId = run[^1].GetProperty("attemptId").GetGuid() });
        }

        var ofJob = await Eventually.Until(() => Task.FromResult(published.Where(m => Of(m, jobId)).ToList()),
            messages => messages.Any(m => !m.TryGetProperty("taskId", out _) && m.GetProperty("to").GetString() == "Completed"),
            "JobStateChanged Completed on the fanout queue");
        Assert.Equal(["Running", "Completed"], ofJob.Select(m => m.GetProperty("to").GetString()));
        Assert.All(ofJob, m => Assert.False(m.TryGetProperty("taskId", out _), $"a TaskStateChanged was published: {m}"));

        var toWatcher = await Eventually.Until(() => Task.FromResult(watched.Where(m => Of(m, jobId)).ToList()),
            messages => messages.Any(m => !m.TryGetProperty("taskId", out _) && m.GetProperty("to").GetString() == "Completed"),
            "JobStateChanged Completed on the watcher's queue");
        Assert.Contains(toWatcher, m => m.TryGetProperty("taskId", out var task) && task.GetString() == "t2" && m.GetProperty("to").GetString() == "Completed");
    }

    static bool Of(JsonElement message, Guid jobId) => message.GetProperty("jobId").GetGuid() == jobId;
}
