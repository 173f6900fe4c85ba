using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Lifecycle;

[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_worker_heartbeats(QueueFlowFixture fixture)
{
    [Fact]
    public async Task Should_time_out_an_attempt_without_heartbeats_and_fail_the_job()
    {
        var name = QueueFlowFixture.Unique("no-heartbeat");
        var worker = await PlainJsonWorker.StartAsync(fixture, "no-heartbeat", name);
        await worker.RegisterAsync($$"""
            { "name": "{{name}}", "tasks": [ { "id": "silent", "queue": "{{name}}", "heartbeatTimeoutSeconds": 1, "retries": 0 } ],
              "transitions": [ { "from": "workflow_start", "to": "silent" }, { "from": "silent", "to": "workflow_end" } ] }
            """);
        var jobId = await worker.StartJobAsync(name);
        await worker.RunOfAsync("silent", 1);

        var job = await fixture.WaitForJobAsync(jobId, JobStatus.Failed, TimeSpan.FromSeconds(20));

        var silent = Assert.Single(job.Tasks);
        Assert.Equal(TaskRunStatus.TimedOut, silent.Status);
        Assert.Equal("no heartbeat for 1s", silent.Error);
        var attempt = Assert.Single(silent.Attempts);
        Assert.Equal(TaskRunStatus.TimedOut, attempt.Status);
        Assert.Equal("no heartbeat for 1s", attempt.Error);
        var error = Assert.Single(job.Errors);
        Assert.Equal("silent", error.Task);
        Assert.Equal("no heartbeat for 1s", error.Message);
        Assert.True(job.EndedAt - attempt.StartedAt >= TimeSpan.FromSeconds(0.9), $"timed out {(job.EndedAt - attempt.StartedAt)?.TotalMilliseconds} ms after the attempt started");
        Assert.Single(worker.Runs);
    }

    [Fact]
    public async Task Should_accept_a_heartbeat_for_the_current_attempt_and_reject_one_for_an_unknown_attempt()
    {
        var name = QueueFlowFixture.Unique("heartbeat");
        var worker = await PlainJsonWorker.StartAsync(fixture, "heartbeat", name);
        await worker.RegisterAsync($$"""
            { "name": "{{name}}", "tasks": [ { "id": "busy", "queue": "{{name}}", "heartbeatTimeoutSeconds": 60 } ],
              "transitions": [ { "from": "workflow_start", "to": "busy" }, { "from": "busy", "to": "workflow_end" } ] }
            """);
        var jobId = await worker.StartJobAsync(name);
        var (run, _) = await worker.RunOfAsync("busy", 1);

        var accepted = await worker.SendAsync("TaskHeartbeat", PlainJsonWorker.Command(run, """ "progress": 0.5, "details": { "step": "copying" } """));

        Assert.Equal(CommandStatus.Accepted, accepted.Status);
        Assert.Equal("TaskHeartbeat", accepted.Command);
        Assert.Equal(TaskRunStatus.Running, accepted.TaskStatus);
        var job = await fixture.FindJobAsync(jobId);
        var attempt = Assert.Single(Assert.Single(job!.Tasks).Attempts);
        Assert.Equal(0.5, attempt.Progress);
        Assert.NotNull(attempt.LastHeartbeatAt);
        Assert.Contains("copying", attempt.Details, StringComparison.Ordinal);

        var unknownAttempt = Guid.NewGuid();
        var rejected = await worker.SendAsync("TaskHeartbeat", $$"""{ "jobId": "{{jobId}}", "taskId": "busy", "attemptId": "{{unknownAttempt}}" }""");

        Assert.Equal(CommandStatus.Rejected, rejected.Status);
        Assert.Equal($"task 'busy' has no attempt {unknownAttempt}", rejected.Reason);
        job = await fixture.FindJobAsync(jobId);
        Assert.Equal(TaskRunStatus.Running, Assert.Single(job!.Tasks).Status);
        Assert.Equal(JobStatus.Running, job.Status);

        Assert.Equal(CommandStatus.Accepted, (await worker.CompleteAsync(run)).Status);
        await fixture.WaitForJobAsync(jobId, JobStatus.Completed);
    }

    [Fact]
    public async Task Should_keep_the_attempt_alive_past_its_heartbeat_timeout_while_heartbeats_arrive()
    {
        var name = QueueFlowFixture.Unique("kept-alive");
        var worker = await PlainJsonWorker.StartAsync(fixture, "kept-alive", name);
        await worker.RegisterAsync($$"""
            { "name": "{{name}}", "tasks": [ { "id": "long", "queue": "{{name}}", "heartbeatTimeoutSeconds": 2, "retries": 0 } ],
              "transitions": [ { "from": "workflow_start", "to": "long" }, { "from": "long", "to": "workflow_end" } ] }
            """);
        var jobId = await worker.StartJobAsync(name);
        var (run, receivedAt) = await worker.RunOfAsync("long", 1);

        // The worker's own cadence, not a wait for state: it beats every half second for twice the timeout.
        using var cadence = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        while (DateTimeOffset.UtcNow - receivedAt < TimeSpan.FromSeconds(4))
        {
            var beat = await worker.SendAsync("TaskHeartbeat", PlainJsonWorker.Command(run));
            Assert.Equal(CommandStatus.Accepted, beat.Status);
            await cadence.WaitForNextTickAsync();
        }

        var completed = await worker.CompleteAsync(run);

        Assert.Equal(CommandStatus.Accepted, completed.Status);
        var job = await fixture.WaitForJobAsync(jobId, JobStatus.Completed);
        Assert.Equal(TaskRunStatus.Completed, Assert.Single(Assert.Single(job.Tasks).Attempts).Status);
        Assert.Single(worker.Runs);
    }
}
