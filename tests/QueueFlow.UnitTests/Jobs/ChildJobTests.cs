using System.Text.Json;
using MassTransit;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;

namespace QueueFlow.UnitTests.Jobs;

/// <summary>
/// A workflow task runs a child job. The harness does not relay outboxes, so each test carries the
/// messages between parent and child by hand, as the outbox relay would.
/// </summary>
public sealed class ChildJobTests : JobSagaScenario
{
    Job Child(Guid id) => Saga.Sagas.Contains(id) ?? throw new InvalidOperationException($"child job {id} does not exist");

    static IEnumerable<T> Sent<T>(Job job) => job.Changes.Messages.Where(m => m.Destination == MessageDestination.Published).Select(m => m.Message).OfType<T>();

    async Task<Job> StartChildAsync()
    {
        await StartAsync("nested", """{ "orderId": "o-7" }""");
        var start = Assert.Single(Sent<StartJob>(Job));
        await Harness.Bus.Publish(start);
        Assert.True(await Saga.Consumed.Any<StartJob>(m => m.Context.Message.JobId == start.JobId), "the child's StartJob was not consumed");
        return Child(start.JobId);
    }

    async Task CompleteChildTaskAsync(Job child, string taskId, string? finishState = null, string? output = null)
    {
        var commandId = NewId.NextGuid();
        await Harness.Bus.Publish(new CompleteTask
        {
            JobId = child.CorrelationId,
            TaskId = taskId,
            AttemptId = child.FindTask(taskId)!.AttemptId!.Value,
            FinishState = finishState,
            Output = output is null ? null : JsonDocument.Parse(output).RootElement,
            Variables = output is null ? null : JsonDocument.Parse(output).RootElement,
            CommandId = commandId,
        });
        Assert.True(await Saga.Consumed.Any<CompleteTask>(m => m.Context.Message.CommandId == commandId), "the child's completion was not consumed");
    }

    [Fact]
    public async Task Should_start_the_child_job_as_the_attempt_with_the_resolved_input()
    {
        await StartAsync("nested", """{ "orderId": "o-7" }""");

        var start = Assert.Single(Sent<StartJob>(Job));
        Assert.Equal(TaskRunStatus.Running, Task("order").Status);
        Assert.Equal(Task("order").AttemptId, start.JobId);
        Assert.Equal("branching", start.Workflow);
        Assert.Equal("o-7", start.Variables!.Value.GetProperty("orderId").GetString());
        Assert.Equal(new ParentTask { JobId = JobId, TaskId = "order", AttemptId = start.JobId }, start.Parent);
        Assert.Empty(Dispatches);
    }

    [Fact]
    public async Task Should_complete_the_parent_task_with_the_child_variables_when_the_child_completes()
    {
        var child = await StartChildAsync();
        Assert.Equal((JobId, "order", child.CorrelationId), (child.ParentJobId!.Value, child.ParentTaskId!, child.ParentAttemptId!.Value));

        await CompleteChildTaskAsync(child, "check");
        await CompleteChildTaskAsync(child, "approve", output: """{ "approvedBy": "ana" }""");
        Assert.Equal(JobStatus.Completed, child.Status);

        var report = Assert.Single(Sent<CompleteTask>(child));
        Assert.Equal((JobId, "order", child.CorrelationId), (report.JobId, report.TaskId, report.AttemptId));
        var outcome = await SendAsync(report);

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        Assert.Equal(TaskRunStatus.Completed, Task("order").Status);
        Assert.Equal("ana", JsonDocument.Parse(Task("order").Output).RootElement.GetProperty("approvedBy").GetString());
        Assert.Equal("ana", Assert.Single(Dispatches).Input.GetProperty("approvedBy").GetString());
    }

    [Fact]
    public async Task Should_fail_the_parent_task_for_good_when_the_child_result_is_over_the_output_limit()
    {
        var child = await StartChildAsync();
        var tooLarge = $$"""{ "blob": "{{new string('x', Options.MaxOutputBytes)}}" }""";

        var outcome = await SendAsync(new CompleteTask
        {
            JobId = JobId,
            TaskId = "order",
            AttemptId = child.CorrelationId,
            Output = JsonDocument.Parse(tooLarge).RootElement,
            CommandId = NewId.NextGuid(),
        });

        Assert.Equal(CommandStatus.Rejected, outcome.Status);
        Assert.Contains("over the limit", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(TaskRunStatus.Failed, Task("order").Status);
        Assert.Equal(1, Task("order").Attempt);
        Assert.Equal(JobStatus.Failed, Job.Status);
        Assert.Contains(Job.Errors, e => e.Task == "order" && e.Message.Contains($"child job {child.CorrelationId}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_retry_with_a_new_child_job_when_the_child_fails()
    {
        var child = await StartChildAsync();
        var commandId = NewId.NextGuid();
        await Harness.Bus.Publish(new FailTask { JobId = child.CorrelationId, TaskId = "check", AttemptId = child.FindTask("check")!.AttemptId!.Value, Error = "no stock", Terminal = true, CommandId = commandId });
        Assert.True(await Saga.Consumed.Any<FailTask>(m => m.Context.Message.CommandId == commandId), "the child's failure was not consumed");
        Assert.Equal(JobStatus.Failed, child.Status);

        var report = Assert.Single(Sent<FailTask>(child));
        Assert.False(report.Terminal);
        Assert.Contains("no stock", report.Error, StringComparison.Ordinal);
        var outcome = await SendAsync(report);

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        Assert.Equal(TaskRunStatus.Running, Task("order").Status);
        Assert.Equal(2, Task("order").Attempt);
        var starts = Sent<StartJob>(Job).ToList();
        Assert.Equal(2, starts.Count);
        Assert.Equal(Task("order").AttemptId, starts[1].JobId);
        Assert.NotEqual(child.CorrelationId, starts[1].JobId);
    }

    [Fact]
    public async Task Should_cancel_the_running_child_when_the_parent_is_cancelled()
    {
        var child = await StartChildAsync();

        await SendAsync(new CancelJob { JobId = JobId, Reason = "customer withdrew" });

        var cancel = Assert.Single(Sent<CancelJob>(Job));
        Assert.Equal(child.CorrelationId, cancel.JobId);
        Assert.Contains($"its parent job {JobId} ended task 'order'", cancel.Reason, StringComparison.Ordinal);
        await Harness.Bus.Publish(cancel);
        Assert.True(await Saga.Consumed.Any<CancelJob>(m => m.Context.Message.JobId == child.CorrelationId), "the child's cancel was not consumed");
        Assert.Equal(JobStatus.Cancelled, child.Status);

        // The child tells the parent, whose attempt is already over: the report is stale and changes nothing.
        var report = Assert.Single(Sent<FailTask>(child));
        Assert.True(report.Terminal);
        var outcome = await SendAsync(report);
        Assert.NotEqual(CommandStatus.Accepted, outcome.Status);
        Assert.Equal(TaskRunStatus.Cancelled, Task("order").Status);
    }

    [Fact]
    public async Task Should_fail_the_parent_task_for_good_when_the_child_cannot_start()
    {
        await StartAsync("nested", """{ "orderId": "o-7" }""");
        var start = Assert.Single(Sent<StartJob>(Job));

        await Harness.Bus.Publish(start with { Workflow = "no-such-workflow" });

        Assert.True(await Harness.Published.Any<FailTask>(m => m.Context.Message.JobId == JobId), "the parent was not told");
        var report = Harness.Published.Select<FailTask>().Single(m => m.Context.Message.JobId == JobId).Context.Message;
        Assert.True(report.Terminal);
        Assert.Equal(start.JobId, report.AttemptId);
        Assert.Contains("workflow 'no-such-workflow' is not registered", report.Error, StringComparison.Ordinal);
        Assert.True(await Saga.Consumed.Any<FailTask>(m => m.Context.Message.JobId == JobId));
        Assert.Equal(TaskRunStatus.Failed, Task("order").Status);
        Assert.Equal(JobStatus.Failed, Job.Status);
    }
}
