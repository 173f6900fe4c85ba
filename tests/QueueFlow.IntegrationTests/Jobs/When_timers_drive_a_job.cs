using System.Collections.Concurrent;
using System.Text.Json;
using MassTransit;
using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Jobs;

/// <summary>Retries after a backoff and timeouts, fired by the durable timers in PostgreSQL through the outbox.</summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_timers_drive_a_job(QueueFlowFixture fixture)
{
    [Fact]
    public async Task Should_dispatch_the_retry_after_its_backoff_and_complete()
    {
        var name = QueueFlowFixture.Unique("backoff");
        var registered = await fixture.RegisterWorkflowAsync($$"""
            { "name": "{{name}}", "tasks": [ { "id": "flaky", "queue": "{{name}}", "retries": 2, "retryDelaySeconds": 1, "retryJitter": 0 } ],
              "transitions": [ { "from": "workflow_start", "to": "flaky" }, { "from": "flaky", "to": "workflow_end" } ] }
            """);
        Assert.True(registered.Accepted, string.Join("; ", registered.Errors));
        var received = new ConcurrentQueue<(JsonElement Run, DateTimeOffset At)>();
        await fixture.Amqp.ConsumeAsync(name, async (run, _) =>
        {
            received.Enqueue((run, DateTimeOffset.UtcNow));
            var verb = run.GetProperty("attempt").GetInt32() == 1 ? "FailTask" : "CompleteTask";
            await fixture.Amqp.PublishAsync($"QueueFlow.Contracts:{verb}", verb, $$"""
                { "jobId": "{{run.GetProperty("jobId").GetGuid()}}", "taskId": "flaky", "attemptId": "{{run.GetProperty("attemptId").GetGuid()}}", "error": "try again" }
                """);
        });

        var jobId = NewId.NextGuid();
        await fixture.SendAsync(new StartJob { JobId = jobId, Workflow = name });
        var job = await fixture.WaitForJobAsync(jobId, JobStatus.Completed);

        var runs = received.ToArray();
        Assert.Equal([1, 2], runs.Select(r => r.Run.GetProperty("attempt").GetInt32()));
        Assert.True(runs[1].At - runs[0].At >= TimeSpan.FromSeconds(0.9), $"the retry came {(runs[1].At - runs[0].At).TotalMilliseconds} ms after the first attempt");
        var flaky = Assert.Single(job.Tasks);
        Assert.Equal([TaskRunStatus.Failed, TaskRunStatus.Completed], flaky.Attempts.Select(a => a.Status));
        var history = await fixture.HistoryAsync(jobId);
        Assert.Contains(history, h => h.Kind == "TaskScheduled" && h.TaskId == "flaky");
    }

    [Fact]
    public async Task Should_time_out_an_attempt_nobody_answers_and_run_it_again()
    {
        var name = QueueFlowFixture.Unique("timeout");
        var registered = await fixture.RegisterWorkflowAsync($$"""
            { "name": "{{name}}", "tasks": [ { "id": "slow", "queue": "{{name}}", "timeoutSeconds": 1, "retries": 1, "retryDelaySeconds": 0 } ],
              "transitions": [ { "from": "workflow_start", "to": "slow" }, { "from": "slow", "to": "workflow_end" } ] }
            """);
        Assert.True(registered.Accepted, string.Join("; ", registered.Errors));
        await fixture.Amqp.ConsumeAsync(name, async (run, _) =>
        {
            if (run.GetProperty("attempt").GetInt32() == 1)
                return;
            await fixture.Amqp.PublishAsync("QueueFlow.Contracts:CompleteTask", "CompleteTask", $$"""
                { "jobId": "{{run.GetProperty("jobId").GetGuid()}}", "taskId": "slow", "attemptId": "{{run.GetProperty("attemptId").GetGuid()}}" }
                """);
        });

        var jobId = NewId.NextGuid();
        await fixture.SendAsync(new StartJob { JobId = jobId, Workflow = name });
        var job = await fixture.WaitForJobAsync(jobId, JobStatus.Completed);

        var slow = Assert.Single(job.Tasks);
        Assert.Equal([TaskRunStatus.TimedOut, TaskRunStatus.Completed], slow.Attempts.Select(a => a.Status));
        Assert.Equal("timed out after 1s", slow.Attempts[0].Error);
    }
}
