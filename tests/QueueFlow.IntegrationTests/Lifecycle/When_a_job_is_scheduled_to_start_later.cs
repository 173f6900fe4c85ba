using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Lifecycle;

[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_job_is_scheduled_to_start_later(QueueFlowFixture fixture)
{
    [Fact]
    public async Task Should_hold_the_first_task_as_Scheduled_and_dispatch_it_no_earlier_than_the_time()
    {
        var name = QueueFlowFixture.Unique("scheduled");
        var worker = await PlainJsonWorker.StartAsync(fixture, "scheduled", name);
        await worker.RegisterAsync(Workflows.Chain(name, 1));

        // Timers keep milliseconds: a time in whole milliseconds is stored exactly as sent.
        var now = DateTimeOffset.UtcNow;
        var scheduledAt = now.AddSeconds(2).AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
        var jobId = await worker.StartJobAsync(name, scheduledAt);

        var job = await fixture.FindJobAsync(jobId);
        Assert.Equal(JobStatus.Running, job!.Status);
        var task = Assert.Single(job.Tasks);
        Assert.Equal(TaskRunStatus.Scheduled, task.Status);
        Assert.Equal(scheduledAt, task.ScheduledAt);
        Assert.Equal(0, task.Attempt);
        Assert.Empty(worker.Runs);
        var early = await worker.SendAsync("SetTaskState", $$"""{ "jobId": "{{jobId}}", "taskId": "t1", "state": "Running" }""");
        Assert.Equal(CommandStatus.Wait, early.Status);
        Assert.InRange(early.WaitSeconds ?? 0, 1, 2);
        Assert.Equal(TaskRunStatus.Scheduled, early.TaskStatus);

        var (run, receivedAt) = await worker.RunOfAsync("t1", 1, TimeSpan.FromSeconds(20));

        Assert.True(receivedAt >= scheduledAt, $"the RunTask arrived {(scheduledAt - receivedAt).TotalMilliseconds} ms before its scheduled time");
        Assert.True(run.GetProperty("dispatchedAt").GetDateTimeOffset() >= scheduledAt, $"dispatched at {run.GetProperty("dispatchedAt")}, scheduled for {scheduledAt:O}");
        job = await fixture.FindJobAsync(jobId);
        Assert.Equal(TaskRunStatus.Running, Assert.Single(job!.Tasks).Status);
        var history = await fixture.HistoryAsync(jobId);
        var scheduled = history.FindIndex(h => h.Kind == "TaskScheduled" && h.TaskId == "t1");
        var running = history.FindIndex(h => h.Kind == "TaskRunning" && h.TaskId == "t1");
        Assert.True(scheduled >= 0 && running > scheduled, $"history: {string.Join(", ", history.Select(h => h.Kind))}");

        Assert.Equal(CommandStatus.Accepted, (await worker.CompleteAsync(run)).Status);
        await fixture.WaitForJobAsync(jobId, JobStatus.Completed);
    }
}
