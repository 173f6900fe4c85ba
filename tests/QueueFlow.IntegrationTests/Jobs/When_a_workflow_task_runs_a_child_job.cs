using System.Collections.Concurrent;
using System.Text.Json;
using MassTransit;
using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Jobs;

/// <summary>A workflow task's child job is a job like any other, started and reported over the bus through both outboxes.</summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_workflow_task_runs_a_child_job(QueueFlowFixture fixture)
{
    static string Parent(string name, string child) => $$"""
        {
          "name": "{{name}}",
          "tasks": [
            { "id": "order", "kind": "workflow", "workflow": "{{child}}", "input": { "orderId": "${variables.orderId}" } },
            { "id": "ship", "queue": "{{name}}", "input": { "approvedBy": "${tasks.order.output.approvedBy}" } }
          ],
          "transitions": [
            { "from": "workflow_start", "to": "order" },
            { "from": "order", "to": "ship" },
            { "from": "ship", "to": "workflow_end" }
          ]
        }
        """;

    async Task<(Guid ParentId, JsonElement ChildRun, ConcurrentQueue<JsonElement> ParentRuns)> StartAsync(string name)
    {
        var child = $"{name}-child";
        Assert.True((await fixture.RegisterWorkflowAsync(Workflows.Chain(child, 1))).Accepted);
        Assert.True((await fixture.RegisterWorkflowAsync(Parent(name, child))).Accepted);
        var childRuns = await fixture.Amqp.CollectAsync(child);
        var parentRuns = await fixture.Amqp.CollectAsync(name);

        var parentId = NewId.NextGuid();
        using var variables = JsonDocument.Parse("""{ "orderId": "o-42" }""");
        var started = await fixture.SendAsync(new StartJob { JobId = parentId, Workflow = name, Variables = variables.RootElement.Clone() });
        Assert.Equal(CommandStatus.Accepted, started.Status);
        var childRun = (await Eventually.Until(() => Task.FromResult(childRuns.ToArray()), r => r.Length == 1, "the child's task to be dispatched"))[0];
        return (parentId, childRun, parentRuns);
    }

    [Fact]
    public async Task Should_run_the_child_to_its_end_and_carry_its_variables_into_the_parent()
    {
        var name = QueueFlowFixture.Unique("child-ok");
        var (parentId, childRun, parentRuns) = await StartAsync(name);

        var childId = childRun.GetProperty("jobId").GetGuid();
        var parent = await fixture.FindJobAsync(parentId);
        Assert.Equal(parent!.Tasks.Single(t => t.TaskId == "order").AttemptId, childId);
        var child = await fixture.FindJobAsync(childId);
        Assert.Equal("o-42", JsonDocument.Parse(child!.Variables).RootElement.GetProperty("orderId").GetString());
        Assert.Equal((parentId, "order", childId), (child.ParentJobId!.Value, child.ParentTaskId!, child.ParentAttemptId!.Value));

        using var approval = JsonDocument.Parse("""{ "approvedBy": "ana" }""");
        var completed = await fixture.SendAsync(new CompleteTask
        {
            JobId = childId,
            TaskId = "t1",
            AttemptId = childRun.GetProperty("attemptId").GetGuid(),
            Variables = approval.RootElement.Clone(),
        });
        Assert.Equal(CommandStatus.Accepted, completed.Status);
        await fixture.WaitForJobAsync(childId, JobStatus.Completed);

        var ship = (await Eventually.Until(() => Task.FromResult(parentRuns.ToArray()), r => r.Length == 1, "the parent's next task to be dispatched"))[0];
        Assert.Equal("ana", ship.GetProperty("input").GetProperty("approvedBy").GetString());
        await fixture.SendAsync(new CompleteTask { JobId = parentId, TaskId = "ship", AttemptId = ship.GetProperty("attemptId").GetGuid() });
        var done = await fixture.WaitForJobAsync(parentId, JobStatus.Completed);
        Assert.Equal("ana", JsonDocument.Parse(done.Tasks.Single(t => t.TaskId == "order").Output).RootElement.GetProperty("approvedBy").GetString());
    }

    [Fact]
    public async Task Should_cancel_the_child_when_the_parent_is_cancelled()
    {
        var name = QueueFlowFixture.Unique("child-cancel");
        var (parentId, childRun, _) = await StartAsync(name);
        var childId = childRun.GetProperty("jobId").GetGuid();

        var cancelled = await fixture.SendAsync(new CancelJob { JobId = parentId, Reason = "withdrawn" });

        Assert.Equal(CommandStatus.Accepted, cancelled.Status);
        var child = await fixture.WaitForJobAsync(childId, JobStatus.Cancelled);
        Assert.Equal(TaskRunStatus.Cancelled, child.Tasks.Single().Status);
        var late = await fixture.SendAsync(new CompleteTask { JobId = childId, TaskId = "t1", AttemptId = childRun.GetProperty("attemptId").GetGuid() });
        Assert.Equal(CommandStatus.Aborted, late.Status);
    }
}
