using MassTransit;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;

namespace QueueFlow.UnitTests.Jobs;

public sealed class When_job_metrics_are_read : JobSagaScenario
{
    [Fact]
    public async Task Should_give_start_end_run_time_finish_state_and_owner_for_the_job_and_each_task()
    {
        await Harness.Bus.Publish(new StartJob { JobId = JobId, Workflow = "branching", Owner = "ops@example.com", CommandId = NewId.NextGuid() });
        Assert.True(await Saga.Consumed.Any<StartJob>());
        var started = Clock.GetUtcNow();
        Clock.Advance(TimeSpan.FromSeconds(2));
        await SendAsync(new CompleteTask { JobId = JobId, TaskId = "check", AttemptId = Task("check").AttemptId!.Value, FinishState = "error", Owner = "worker-7" });

        var running = JobMetrics.Of(Job, Clock.GetUtcNow());

        Assert.Equal(new RunMetrics(started, null, 2000, null, "ops@example.com"), running.Job);
        Assert.Equal(new RunMetrics(started, started.AddSeconds(2), 2000, "error", "worker-7"), running.Tasks["check"]);
        Assert.Equal("complete", running.Tasks["approve"].FinishState);
        Assert.Null(running.Tasks["approve"].StartTime);

        Clock.Advance(TimeSpan.FromSeconds(3));
        await SendAsync(new CompleteTask { JobId = JobId, TaskId = "escalate", AttemptId = Task("escalate").AttemptId!.Value, Owner = "alice" });
        var done = JobMetrics.Of(Job, Clock.GetUtcNow().AddHours(1));

        Assert.Equal(new RunMetrics(started, started.AddSeconds(5), 5000, "complete", "ops@example.com"), done.Job);
        Assert.Equal("alice", done.Tasks["escalate"].Owner);
        Assert.Equal(3000, done.Tasks["escalate"].RunTimeMs);
    }
}
