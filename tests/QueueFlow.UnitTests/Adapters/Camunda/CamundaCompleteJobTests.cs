using System.Text.Json;
using QueueFlow.Contracts;
using QueueFlow.Core.Adapters.Camunda;
using QueueFlow.Core.Jobs;

namespace QueueFlow.UnitTests.Adapters.Camunda;

/// <summary>Camunda 8's complete job (seed 001): variables and result onto CompleteTask, the outcome onto 204 / 400 / 404 / 409 / 500.</summary>
public sealed class When_a_Camunda_job_is_completed
{
    static readonly DateTimeOffset Now = new(2025, 1, 23, 10, 0, 0, TimeSpan.Zero);
    static readonly CamundaJobKey Key = new(2251799813685249);

    static CamundaCompleteJobRequest Request(string json) =>
        JsonSerializer.Deserialize<CamundaCompleteJobRequest>(json) ?? throw new InvalidOperationException("no request");

    static CompleteTask Translate(RulesRun run, string taskId, string json, Guid? attemptId = null)
    {
        var translation = CamundaCompleteJob.ToCommand(Request(json), run.Job.CorrelationId, taskId, attemptId ?? run.Attempt(taskId));
        Assert.True(translation.IsValid, string.Join("; ", translation.Errors));
        return translation.Command!;
    }

    [Fact]
    public void Should_carry_variables_and_the_result()
    {
        var jobId = Guid.NewGuid();
        var attemptId = Guid.NewGuid();

        var translation = CamundaCompleteJob.ToCommand(
            Request("""{ "variables": { "approved": true }, "result": { "denied": true, "deniedReason": "not signed" } }"""),
            jobId, "approve", attemptId, owner: "worker-1");

        var command = translation.Command!;
        Assert.Equal((jobId, "approve", attemptId, "worker-1"), (command.JobId, command.TaskId, command.AttemptId, command.Owner));
        Assert.True(command.Variables!.Value.GetProperty("approved").GetBoolean());
        Assert.Equal(new CompletionResult { Denied = true, DeniedReason = "not signed" }, command.Result);
        Assert.Null(command.FinishState);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{ "variables": null, "result": null }""")]
    [InlineData("""{ "result": { "denied": false, "corrections": {} } }""")]
    public void Should_complete_with_an_empty_or_null_body(string json)
    {
        var command = CamundaCompleteJob.ToCommand(Request(json), Guid.NewGuid(), "t", Guid.NewGuid()).Command!;

        Assert.Null(command.Variables);
        Assert.False(command.Result?.Denied ?? false);
    }

    [Fact]
    public void Should_refuse_variables_that_are_not_an_object_and_corrections_as_400()
    {
        var translation = CamundaCompleteJob.ToCommand(Request("""{ "variables": [1], "result": { "corrections": { "assignee": "bob" } } }"""), Guid.NewGuid(), "t", Guid.NewGuid());

        Assert.Equal(["variables", "result.corrections"], translation.Errors.Select(e => e.Field));
        var problem = CamundaCompleteJob.Invalid(translation.Errors);
        Assert.Equal(400, problem.Status);
        Assert.Equal("INVALID_ARGUMENT", problem.Title);
        Assert.Equal("variables: variables must be a JSON object, not array; result.corrections: corrections apply to user tasks, which QueueFlow does not have", problem.Detail);
    }

    [Fact]
    public void Should_answer_a_malformed_key_with_400_and_the_reason()
    {
        Assert.False(CamundaJobKey.TryParse("12a", out _, out var error));

        Assert.Equal(new CamundaProblem(400, "INVALID_ARGUMENT", error!), CamundaCompleteJob.InvalidKey(error!));
    }

    [Fact]
    public void Should_answer_204_for_a_completion_and_its_duplicate()
    {
        var run = RulesRun.Start(TestWorkflows.Branching, Now);
        var command = Translate(run, "check", """{ "variables": { "score": 7 } }""");

        Assert.Null(CamundaCompleteJob.ToProblem(run.Apply(command), Key));
        var again = run.Apply(command);

        Assert.True(again.Duplicate);
        Assert.Null(CamundaCompleteJob.ToProblem(again, Key));
        Assert.Equal("""{"orderId":"o-1","score":7}""", run.Job.Variables);
    }

    [Fact]
    public void Should_answer_a_denied_completion_with_409_and_keep_the_task_active()
    {
        var run = RulesRun.Start(TestWorkflows.Branching, Now);

        var problem = CamundaCompleteJob.ToProblem(run.Apply(Translate(run, "check", """{ "result": { "denied": true, "deniedReason": "not signed" } }""")), Key);

        Assert.Equal(new CamundaProblem(409, "INVALID_STATE",
            "Command 'COMPLETE' rejected with code 'INVALID_STATE' for job with key '2251799813685249': the completion was denied: not signed"), problem);
        Assert.Equal(TaskRunStatus.Running, run.Task("check").Status);
    }

    [Fact]
    public void Should_answer_an_unknown_task_or_attempt_with_404()
    {
        var run = RulesRun.Start(TestWorkflows.Branching, Now);

        var noTask = CamundaCompleteJob.ToProblem(run.Apply(Translate(run, "nope", "{}", Guid.NewGuid())), Key)!;
        var noAttempt = CamundaCompleteJob.ToProblem(run.Apply(Translate(run, "check", "{}", Guid.NewGuid())), Key)!;

        Assert.Equal((404, "NOT_FOUND"), (noTask.Status, noTask.Title));
        Assert.EndsWith($"job {run.Job.CorrelationId} has no task 'nope'", noTask.Detail, StringComparison.Ordinal);
        Assert.Equal((404, "NOT_FOUND"), (noAttempt.Status, noAttempt.Title));
        Assert.Contains("task 'check' has no attempt", noAttempt.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_answer_an_unknown_job_with_404()
    {
        // The saga's own answer for a command to a job it does not have.
        var jobId = Guid.NewGuid();
        var outcome = new CommandOutcome { JobId = jobId, TaskId = "t", Command = nameof(CompleteTask), Status = CommandStatus.Rejected, Reason = $"unknown job {jobId}" };

        Assert.Equal((404, "NOT_FOUND"), (CamundaCompleteJob.ToProblem(outcome, Key)!.Status, CamundaCompleteJob.ToProblem(outcome, Key)!.Title));
    }

    [Fact]
    public void Should_answer_a_stale_attempt_with_404_as_Camunda_answers_a_job_it_has_forgotten()
    {
        // slow retries at once, so its first attempt is superseded by a second one.
        var run = RulesRun.Start(TestWorkflows.Timed, Now);
        var first = run.Attempt("slow");
        run.Apply(new FailTask { JobId = run.Job.CorrelationId, TaskId = "slow", AttemptId = first });
        Assert.NotEqual(first, run.Attempt("slow"));

        var problem = CamundaCompleteJob.ToProblem(run.Apply(Translate(run, "slow", "{}", first)), Key)!;

        Assert.Equal((404, "NOT_FOUND"), (problem.Status, problem.Title));
        Assert.Contains("stale attempt", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_answer_variables_over_the_size_limit_with_400()
    {
        var run = RulesRun.Start(TestWorkflows.Branching, Now, options: new JobRulesOptions { MaxOutputBytes = 24 });

        var problem = CamundaCompleteJob.ToProblem(run.Apply(Translate(run, "check", """{ "variables": { "note": "far too long for the limit" } }""")), Key)!;

        Assert.Equal((400, "INVALID_ARGUMENT"), (problem.Status, problem.Title));
        Assert.Contains("over the limit of 24 bytes", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_answer_a_finished_or_paused_job_with_409()
    {
        var run = RulesRun.Start(TestWorkflows.Branching, Now);
        var attempt = run.Attempt("check");
        run.Apply(new SetTaskState { JobId = run.Job.CorrelationId, TaskId = "check", State = TaskRunStatus.Cancelled });

        var finished = CamundaCompleteJob.ToProblem(run.Apply(Translate(run, "check", "{}", attempt)), Key)!;
        var paused = CamundaCompleteJob.ToProblem(new CommandOutcome { JobId = Guid.NewGuid(), Command = "CompleteTask", Status = CommandStatus.Wait, Reason = "job is paused", WaitSeconds = 10 }, Key)!;

        Assert.Equal((409, "INVALID_STATE"), (finished.Status, finished.Title));
        Assert.Contains("is Failed: stop working on it", finished.Detail, StringComparison.Ordinal);
        Assert.Equal((409, "INVALID_STATE"), (paused.Status, paused.Title));
    }

    [Fact]
    public void Should_answer_anything_else_with_500()
    {
        var outcome = new CommandOutcome { JobId = Guid.NewGuid(), Command = "CompleteTask", Status = (CommandStatus)42 };

        Assert.Equal((500, "INTERNAL_ERROR"), (CamundaCompleteJob.ToProblem(outcome, Key)!.Status, CamundaCompleteJob.ToProblem(outcome, Key)!.Title));
    }
}
