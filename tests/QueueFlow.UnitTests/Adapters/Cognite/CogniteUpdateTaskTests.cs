using System.Text.Json;
using System.Text.Json.Nodes;
using QueueFlow.Contracts;
using QueueFlow.Core.Adapters.Cognite;

namespace QueueFlow.UnitTests.Adapters.Cognite;

/// <summary>Cognite's update task (seed 003): COMPLETED / FAILED / FAILED_WITH_TERMINAL_ERROR onto the worker commands, and the task object back.</summary>
public sealed class When_a_Cognite_task_is_updated
{
    /// <summary>The start time of seed 003's example task.</summary>
    static readonly DateTimeOffset Started = DateTimeOffset.FromUnixTimeMilliseconds(1730204346000);

    static CogniteTaskUpdateRequest Request(string json) =>
        JsonSerializer.Deserialize<CogniteTaskUpdateRequest>(json) ?? throw new InvalidOperationException("no request");

    static JsonNode Wire(CogniteTask task) => JsonNode.Parse(JsonSerializer.Serialize(task))!;

    [Fact]
    public void Should_complete_the_task_for_COMPLETED()
    {
        var jobId = Guid.NewGuid();
        var attemptId = Guid.NewGuid();

        var translation = CogniteUpdateTask.ToCommand(Request("""{ "status": "COMPLETED" }"""), jobId, "fn", attemptId, owner: "cdf-user");

        var complete = translation.Command!.Complete!;
        Assert.Null(translation.Command.Fail);
        Assert.Same(complete, translation.Command.Message);
        Assert.Equal((jobId, "fn", attemptId, "cdf-user"), (complete.JobId, complete.TaskId, complete.AttemptId, complete.Owner));
        Assert.Null(complete.Output);
        Assert.Null(complete.FinishState);
    }

    [Fact]
    public void Should_fail_the_task_with_its_output_for_FAILED_and_leave_it_to_the_retries()
    {
        // The SDK example: client.workflows.tasks.update(id, "failed", output={"a": 1, "b": 2}).
        var translation = CogniteUpdateTask.ToCommand(Request("""{ "status": "FAILED", "output": { "a": 1, "b": 2 } }"""), Guid.NewGuid(), "fn", Guid.NewGuid());

        var fail = translation.Command!.Fail!;
        Assert.False(fail.Terminal);
        Assert.Equal("""{ "a": 1, "b": 2 }""", fail.Output!.Value.GetRawText());
        Assert.Equal("the task was updated to FAILED", fail.Error);
    }

    [Fact]
    public void Should_fail_the_task_terminally_for_FAILED_WITH_TERMINAL_ERROR() =>
        Assert.True(CogniteUpdateTask.ToCommand(Request("""{ "status": "FAILED_WITH_TERMINAL_ERROR" }"""), Guid.NewGuid(), "fn", Guid.NewGuid()).Command!.Fail!.Terminal);

    [Theory]
    [InlineData("""{ "status": "IN_PROGRESS" }""", "'IN_PROGRESS' cannot be set on a task")]
    [InlineData("""{ "status": "completed" }""", "'completed' cannot be set on a task")]
    [InlineData("""{ "status": "TIMED_OUT" }""", "'TIMED_OUT' cannot be set on a task")]
    [InlineData("""{ }""", "status is required")]
    public void Should_refuse_any_other_status(string json, string message)
    {
        var translation = CogniteUpdateTask.ToCommand(Request(json), Guid.NewGuid(), "fn", Guid.NewGuid());

        Assert.False(translation.IsValid);
        var error = Assert.Single(translation.Errors);
        Assert.Equal("status", error.Field);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
        Assert.EndsWith("COMPLETED, FAILED, FAILED_WITH_TERMINAL_ERROR", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_output_that_is_not_an_object()
    {
        var translation = CogniteUpdateTask.ToCommand(Request("""{ "status": "COMPLETED", "output": [1, 2] }"""), Guid.NewGuid(), "fn", Guid.NewGuid());

        Assert.Equal(new Core.Adapters.AdapterError("output", "output must be a JSON object, not array"), Assert.Single(translation.Errors));
        Assert.Null(CogniteUpdateTask.ToCommand(Request("""{ "status": "COMPLETED", "output": null }"""), Guid.NewGuid(), "fn", Guid.NewGuid()).Command!.Complete!.Output);
    }

    [Fact]
    public void Should_answer_a_running_task_in_the_shape_of_the_documented_task()
    {
        var run = RulesRun.Start(TestWorkflows.Diamond, Started);

        var wire = Wire(CogniteUpdateTask.ToTask(run.Task("a"), run.Definition.TasksById["a"]));

        Assert.Equal(run.Attempt("a").ToString(), (string?)wire["id"]);
        Assert.Equal("a", (string?)wire["externalId"]);
        Assert.Equal("IN_PROGRESS", (string?)wire["status"]);
        Assert.Equal("function", (string?)wire["taskType"]);
        Assert.Equal("""{"order":"o-1"}""", wire["input"]!.ToJsonString());
        Assert.Equal("{}", wire["output"]!.ToJsonString());
        Assert.Equal(1730204346000, (long?)wire["startTime"]);
        Assert.Null(wire["endTime"]);
        Assert.Null(wire["reasonForIncompletion"]);
    }

    [Fact]
    public void Should_merge_the_output_and_answer_the_completed_task()
    {
        var run = RulesRun.Start(TestWorkflows.Diamond, Started);
        var translation = CogniteUpdateTask.ToCommand(Request("""{ "status": "COMPLETED", "output": { "key1": "value1", "key2": "value2" } }"""), run.Job.CorrelationId, "a", run.Attempt("a"));
        run.Now = Started.AddSeconds(5);

        Assert.Equal(CommandStatus.Accepted, run.Apply(translation.Command!.Message).Status);
        var task = CogniteUpdateTask.ToTask(run.Task("a"));

        Assert.Equal("COMPLETED", task.Status);
        Assert.Equal("""{"key1":"value1","key2":"value2"}""", task.Output!.Value.GetRawText());
        Assert.Equal(1730204351000, task.EndTime);
    }

    [Fact]
    public void Should_retry_a_FAILED_task_while_its_retries_last()
    {
        var run = RulesRun.Start(TestWorkflows.Diamond, Started);
        var translation = CogniteUpdateTask.ToCommand(Request("""{ "status": "FAILED" }"""), run.Job.CorrelationId, "a", run.Attempt("a"));

        Assert.Equal(CommandStatus.Accepted, run.Apply(translation.Command!.Message).Status);

        Assert.Equal("SCHEDULED", CogniteUpdateTask.ToTask(run.Task("a"), run.Definition.TasksById["a"]).Status);
    }

    [Fact]
    public void Should_report_a_terminal_failure_as_FAILED_WITH_TERMINAL_ERROR_with_its_reason()
    {
        var run = RulesRun.Start(TestWorkflows.Diamond, Started);
        var translation = CogniteUpdateTask.ToCommand(Request("""{ "status": "FAILED_WITH_TERMINAL_ERROR" }"""), run.Job.CorrelationId, "a", run.Attempt("a"));

        run.Apply(translation.Command!.Message);
        var task = CogniteUpdateTask.ToTask(run.Task("a"), run.Definition.TasksById["a"]);

        Assert.Equal("FAILED_WITH_TERMINAL_ERROR", task.Status);
        Assert.Equal("the task was updated to FAILED_WITH_TERMINAL_ERROR", task.ReasonForIncompletion);
        Assert.Equal(1730204346000, task.EndTime);
    }

    [Fact]
    public void Should_report_FAILED_once_the_retries_are_spent()
    {
        var run = RulesRun.Start(TestWorkflows.Branching, Started);
        run.Apply(CogniteUpdateTask.ToCommand(Request("""{ "status": "FAILED" }"""), run.Job.CorrelationId, "check", run.Attempt("check")).Command!.Message);

        Assert.Equal("FAILED", CogniteUpdateTask.ToTask(run.Task("check"), run.Definition.TasksById["check"]).Status);
    }

    [Fact]
    public void Should_report_a_failure_the_job_carried_on_past_as_COMPLETED_WITH_ERRORS()
    {
        var run = RulesRun.Start(TestWorkflows.Policies, Started);
        run.Apply(CogniteUpdateTask.ToCommand(Request("""{ "status": "FAILED" }"""), run.Job.CorrelationId, "risky", run.Attempt("risky")).Command!.Message);

        Assert.Equal("COMPLETED_WITH_ERRORS", CogniteUpdateTask.ToTask(run.Task("risky"), run.Definition.TasksById["risky"]).Status);
        Assert.Equal(TaskRunStatus.Running, run.Task("guarded").Status);
    }

    [Fact]
    public void Should_report_a_task_not_reached_without_an_id()
    {
        var run = RulesRun.Start(TestWorkflows.Diamond, Started);

        var task = CogniteUpdateTask.ToTask(run.Task("d"));

        Assert.Equal(("SCHEDULED", (string?)null, (long?)null), (task.Status, task.Id, task.StartTime));
        Assert.Null(task.Input);
    }
}
