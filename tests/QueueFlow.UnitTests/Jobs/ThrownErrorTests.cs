using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using QueueFlow.Contracts;
using QueueFlow.Core.Workflows;

namespace QueueFlow.UnitTests.Jobs;

/// <summary>A business error thrown by a worker (Camunda's throw error), caught by the task's transitions as an error boundary event would.</summary>
public sealed class When_a_worker_throws_an_error : JobSagaScenario
{
    [Fact]
    public async Task Should_follow_the_error_transition_merge_the_variables_and_skip_the_success_branch()
    {
        await StartAsync("branching");

        var outcome = await ThrowAsync("check", "NOT_APPROVED", "limit exceeded", """{ "reason": "limit" }""");

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        Assert.Equal((TaskRunStatus.Completed, "error"), (Task("check").Status, Task("check").FinishState));
        Assert.Equal("NOT_APPROVED: limit exceeded", Task("check").Error);
        Assert.Equal(TaskRunStatus.Skipped, Task("approve").Status);
        Assert.Equal(TaskRunStatus.Running, Task("escalate").Status);
        Assert.Equal("limit", JsonDocument.Parse(Job.Variables).RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Should_prefer_a_transition_on_the_errors_own_code()
    {
        await Harness.Scope.ServiceProvider.GetRequiredService<IWorkflowCatalog>().RegisterAsync(TestWorkflows.Parse("""
            { "name": "coded", "tasks": [ { "id": "pick", "queue": "q" }, { "id": "restock", "queue": "q" }, { "id": "apologise", "queue": "q" } ],
              "transitions": [ { "from": "workflow_start", "to": "pick" }, { "from": "pick", "to": "workflow_end" },
                               { "from": "pick", "to": "restock", "state": "OUT_OF_STOCK" }, { "from": "pick", "to": "apologise", "state": "error" },
                               { "from": "restock", "to": "workflow_end" }, { "from": "apologise", "to": "workflow_end" } ] }
            """), "{}", CancellationToken.None);
        await StartAsync("coded");

        await ThrowAsync("pick", "OUT_OF_STOCK", null, null);

        Assert.Equal("OUT_OF_STOCK", Task("pick").FinishState);
        Assert.Equal(TaskRunStatus.Running, Task("restock").Status);
        Assert.Equal(TaskRunStatus.Skipped, Task("apologise").Status);
    }

    [Fact]
    public async Task Should_fail_the_task_for_good_with_the_incident_when_nothing_catches_it()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");

        var outcome = await ThrowAsync("a", "NOT_APPROVED", "limit exceeded", null);

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        Assert.Equal((TaskRunStatus.Failed, 1), (Task("a").Status, Task("a").Attempt));
        Assert.Equal(JobStatus.Failed, Job.Status);
        Assert.Contains("Expected to throw an error event with the code 'NOT_APPROVED' with message 'limit exceeded', but it was not caught", Assert.Single(Job.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_answer_a_repeat_like_the_first_and_change_nothing()
    {
        await StartAsync("branching");
        var attemptId = Task("check").AttemptId!.Value;
        await ThrowAsync("check", "NOT_APPROVED", null, null);

        var again = await ThrowAsync("check", "NOT_APPROVED", null, null, attemptId);

        Assert.Equal((CommandStatus.Accepted, true), (again.Status, again.Duplicate));
        Assert.Equal(TaskRunStatus.Running, Task("escalate").Status);
    }

    Task<CommandOutcome> ThrowAsync(string taskId, string code, string? message, string? variables, Guid? attemptId = null) =>
        SendAsync(new FailTask
        {
            JobId = JobId,
            TaskId = taskId,
            AttemptId = attemptId ?? Task(taskId).AttemptId!.Value,
            ErrorCode = code,
            Error = message,
            Variables = variables is null ? null : JsonDocument.Parse(variables).RootElement,
            CommandId = NewId.NextGuid(),
        });
}
