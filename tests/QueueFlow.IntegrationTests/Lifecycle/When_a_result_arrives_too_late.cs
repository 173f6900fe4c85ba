using MassTransit;
using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Lifecycle;

[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_result_arrives_too_late(QueueFlowFixture fixture)
{
    [Fact]
    public async Task Should_record_it_in_the_history_once_and_answer_it_aborted()
    {
        var name = QueueFlowFixture.Unique("late");
        var worker = await PlainJsonWorker.StartAsync(fixture, "late", name);
        await worker.RegisterAsync($$"""
            { "name": "{{name}}", "tasks": [ { "id": "slow", "queue": "{{name}}", "timeoutSeconds": 1 } ],
              "transitions": [ { "from": "workflow_start", "to": "slow" }, { "from": "slow", "to": "workflow_end" } ] }
            """);
        var jobId = await worker.StartJobAsync(name);
        var (run, _) = await worker.RunOfAsync("slow", 1);
        await fixture.WaitForJobAsync(jobId, JobStatus.Failed);

        var late = await worker.CompleteAsync(run, """ "output": { "done": true } """);
        var again = await worker.CompleteAsync(run, """ "output": { "done": true } """);

        Assert.Equal(CommandStatus.Aborted, late.Status);
        Assert.Equal(CommandStatus.Aborted, again.Status);
        Assert.True(again.Duplicate);
        var aborted = Assert.Single(await fixture.HistoryAsync(jobId), h => h.Kind == "CommandAborted");
        Assert.Equal("slow", aborted.TaskId);
        Assert.Equal(run.GetProperty("attemptId").GetGuid(), aborted.AttemptId);
        Assert.Equal($"CompleteTask: job {jobId} is Failed: stop working on it", aborted.Detail);
        var job = await fixture.FindJobAsync(jobId);
        Assert.Equal("{}", Assert.Single(job!.Tasks).Output);
    }

    [Fact]
    public async Task Should_record_a_completion_naming_an_attempt_or_task_the_job_never_had()
    {
        var name = QueueFlowFixture.Unique("unknown-attempt");
        var worker = await PlainJsonWorker.StartAsync(fixture, "unknown-attempt", name);
        await worker.RegisterAsync($$"""
            { "name": "{{name}}", "tasks": [ { "id": "work", "queue": "{{name}}" } ],
              "transitions": [ { "from": "workflow_start", "to": "work" }, { "from": "work", "to": "workflow_end" } ] }
            """);
        var jobId = await worker.StartJobAsync(name);
        await worker.RunOfAsync("work", 1);
        var unknownAttempt = NewId.NextGuid();

        var noAttempt = await worker.SendAsync("CompleteTask", $$"""{ "jobId": "{{jobId}}", "taskId": "work", "attemptId": "{{unknownAttempt}}" }""");
        var noTask = await worker.SendAsync("CompleteTask", $$"""{ "jobId": "{{jobId}}", "taskId": "ghost", "attemptId": "{{unknownAttempt}}" }""");

        Assert.Equal(CommandStatus.Rejected, noAttempt.Status);
        Assert.Equal(CommandStatus.Rejected, noTask.Status);
        var rejected = (await fixture.HistoryAsync(jobId)).Where(h => h.Kind == "CommandRejected").ToList();
        Assert.Equal(2, rejected.Count);
        Assert.Equal(("work", unknownAttempt, $"CompleteTask: task 'work' has no attempt {unknownAttempt}"), (rejected[0].TaskId, rejected[0].AttemptId!.Value, rejected[0].Detail));
        Assert.Equal(("ghost", unknownAttempt, $"CompleteTask: job {jobId} has no task 'ghost'"), (rejected[1].TaskId, rejected[1].AttemptId!.Value, rejected[1].Detail));
    }
}
