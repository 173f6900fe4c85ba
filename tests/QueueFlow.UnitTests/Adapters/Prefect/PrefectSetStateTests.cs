using System.Text.Json;
using System.Text.Json.Nodes;
using QueueFlow.Contracts;
using QueueFlow.Core.Adapters.Prefect;

namespace QueueFlow.UnitTests.Adapters.Prefect;

/// <summary>Prefect's set_state (seed 004): its request onto SetTaskState, the rules' outcome back to ACCEPT / REJECT / ABORT / WAIT.</summary>
public sealed class When_a_Prefect_task_run_state_is_set
{
    static readonly DateTimeOffset Now = new(2023, 11, 7, 5, 31, 56, TimeSpan.Zero);

    /// <summary>
    /// The state of seed 004's example, proposed as a request. The seed's <c>"data": "&lt;any&gt;"</c> is a placeholder for a
    /// result; QueueFlow keeps a result that is a JSON object, so the example carries null there.
    /// </summary>
    const string SeedRequest = """
        {
          "state": {
            "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
            "type": "SCHEDULED",
            "name": "<string>",
            "timestamp": "2023-11-07T05:31:56Z",
            "message": "Run started",
            "data": null,
            "state_details": {
              "flow_run_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
              "task_run_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
              "child_flow_run_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
              "scheduled_time": "2023-11-07T05:31:56Z",
              "cache_key": "<string>",
              "cache_expiration": "2023-11-07T05:31:56Z",
              "deferred": true,
              "untrackable_result": false,
              "pause_timeout": "2023-11-07T05:31:56Z",
              "pause_reschedule": false,
              "pause_key": "<string>",
              "run_input_keyset": {},
              "refresh_cache": true,
              "retriable": true,
              "transition_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
              "task_parameters_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
              "traceparent": "<string>"
            }
          },
          "force": false
        }
        """;

    static PrefectSetStateRequest Request(string json) =>
        JsonSerializer.Deserialize<PrefectSetStateRequest>(json) ?? throw new InvalidOperationException("no request");

    static PrefectSetStateRequest Propose(string type, bool force = false, string? data = null) => new()
    {
        State = new PrefectState { Type = type, Data = data is null ? null : JsonDocument.Parse(data).RootElement },
        Force = force,
    };

    static (SetTaskState Command, PrefectOrchestrationResult Response) Run(RulesRun run, string taskId, PrefectSetStateRequest request)
    {
        var translation = PrefectSetState.ToCommand(request, run.Job.CorrelationId, taskId);
        Assert.True(translation.IsValid, string.Join("; ", translation.Errors));
        var outcome = run.Apply(translation.Command!);
        return (translation.Command!, PrefectSetState.ToResponse(request.State!, outcome, run.Now, run.Job.FindTask(taskId)?.ScheduledAt));
    }

    static JsonNode Wire(PrefectOrchestrationResult result) => JsonNode.Parse(JsonSerializer.Serialize(result))!;

    [Fact]
    public void Should_translate_the_documented_request_into_a_proposal()
    {
        var jobId = Guid.NewGuid();
        var attemptId = Guid.NewGuid();

        var translation = PrefectSetState.ToCommand(Request(SeedRequest), jobId, "reserve", attemptId);

        Assert.True(translation.IsValid);
        var command = translation.Command!;
        Assert.Equal(jobId, command.JobId);
        Assert.Equal("reserve", command.TaskId);
        Assert.Equal(attemptId, command.AttemptId);
        Assert.Equal(TaskRunStatus.Scheduled, command.State);
        Assert.Equal("Run started", command.Message);
        Assert.Equal(Guid.Parse("3c90c3cc-0d44-4b50-8888-8dd25736052a"), command.TransitionId);
        Assert.Equal(Now, command.ScheduledTime);
        Assert.False(command.Force);
        Assert.True(command.Retriable);
        Assert.Null(command.Output);
    }

    [Theory]
    [InlineData("\"<any>\"", "string")]
    [InlineData("[1, 2]", "array")]
    [InlineData("42", "number")]
    public void Should_refuse_data_that_is_not_an_object_naming_state_data(string data, string kind)
    {
        var translation = PrefectSetState.ToCommand(Propose("COMPLETED", data: data), Guid.NewGuid(), "t");

        Assert.False(translation.IsValid);
        var error = Assert.Single(translation.Errors);
        Assert.Equal("state.data", error.Field);
        Assert.Equal($"state.data must be a JSON object (kept as the task's output) or null, not {kind}", error.Message);
    }

    [Theory]
    [InlineData("PENDING", TaskRunStatus.Scheduled)]
    [InlineData("RUNNING", TaskRunStatus.Running)]
    [InlineData("COMPLETED", TaskRunStatus.Completed)]
    [InlineData("CRASHED", TaskRunStatus.Failed)]
    [InlineData("CANCELLING", TaskRunStatus.Cancelled)]
    [InlineData("PAUSED", TaskRunStatus.Paused)]
    public void Should_propose_the_canonical_status_of_each_state_type(string type, TaskRunStatus expected) =>
        Assert.Equal(expected, PrefectSetState.ToCommand(Propose(type), Guid.NewGuid(), "t").Command!.State);

    [Fact]
    public void Should_carry_object_data_as_output_and_force()
    {
        var command = PrefectSetState.ToCommand(Propose("COMPLETED", force: true, data: """{ "rows": 3 }"""), Guid.NewGuid(), "t").Command!;

        Assert.True(command.Force);
        Assert.Equal(3, command.Output!.Value.GetProperty("rows").GetInt32());
    }

    [Theory]
    [InlineData("running")]
    [InlineData("DONE")]
    public void Should_name_an_unknown_state_type(string type)
    {
        var translation = PrefectSetState.ToCommand(Propose(type), Guid.NewGuid(), "t");

        Assert.False(translation.IsValid);
        var error = Assert.Single(translation.Errors);
        Assert.Equal("state.type", error.Field);
        Assert.Contains($"'{type}' is not a Prefect state type", error.Message, StringComparison.Ordinal);
        Assert.Contains("SCHEDULED, PENDING, RUNNING", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_list_every_error_of_a_request_at_once()
    {
        var request = new PrefectSetStateRequest { State = new PrefectState { StateDetails = new PrefectStateDetails { TransitionId = "t-1" } } };

        var translation = PrefectSetState.ToCommand(request, Guid.NewGuid(), "t");

        Assert.Equal(["state.type", "state.state_details.transition_id"], translation.Errors.Select(e => e.Field));
        Assert.Contains("'t-1' is not a UUID", translation.Errors[1].Message, StringComparison.Ordinal);
        Assert.Equal("state", Assert.Single(PrefectSetState.ToCommand(new PrefectSetStateRequest(), Guid.NewGuid(), "t").Errors).Field);
    }

    [Fact]
    public void Should_accept_a_completion_with_accept_details()
    {
        var run = RulesRun.Start(TestWorkflows.Diamond, Now);
        var request = Propose("COMPLETED", data: """{ "reserved": true }""") with { State = new PrefectState { Type = "COMPLETED", Message = "done" } };

        var (_, response) = Run(run, "a", request);

        Assert.Equal("ACCEPT", response.Status);
        Assert.Equal("COMPLETED", response.State!.Type);
        Assert.Equal("Completed", response.State.Name);
        Assert.Equal("done", response.State.Message);
        Assert.Equal(Now, response.State.Timestamp);
        Assert.Equal("""{"type":"accept_details"}""", Wire(response)["details"]!.ToJsonString());
    }

    [Fact]
    public void Should_reject_a_retriable_failure_into_AwaitingRetry_due_at_the_retry()
    {
        var run = RulesRun.Start(TestWorkflows.Diamond, Now);
        var request = new PrefectSetStateRequest { State = new PrefectState { Type = "FAILED", Message = "disk full" } };

        var (_, response) = Run(run, "a", request);

        Assert.Equal(TaskRunStatus.Scheduled, run.Task("a").Status);
        Assert.Equal("REJECT", response.Status);
        Assert.Equal("SCHEDULED", response.State!.Type);
        Assert.Equal("AwaitingRetry", response.State.Name);
        Assert.Equal("disk full", response.State.Message);
        Assert.Equal(run.Task("a").ScheduledAt, response.State.StateDetails!.ScheduledTime);
        Assert.True(response.State.StateDetails.ScheduledTime > Now);
        Assert.Equal("""{"type":"reject_details","reason":"Retrying"}""", Wire(response)["details"]!.ToJsonString());
    }

    [Fact]
    public void Should_date_AwaitingRetry_now_when_the_retry_was_dispatched_at_once()
    {
        var run = RulesRun.Start(TestWorkflows.Timed, Now);

        var (_, response) = Run(run, "slow", Propose("FAILED"));

        Assert.Equal(TaskRunStatus.Running, run.Task("slow").Status);
        Assert.Equal(("REJECT", "SCHEDULED", "AwaitingRetry"), (response.Status, response.State!.Type, response.State.Name));
        Assert.Equal(Now, response.State.StateDetails!.ScheduledTime);
    }

    [Fact]
    public void Should_accept_a_failure_marked_not_retriable_as_FAILED_with_retries_left()
    {
        var run = RulesRun.Start(TestWorkflows.Diamond, Now);
        var request = new PrefectSetStateRequest
        {
            State = new PrefectState { Type = "FAILED", Message = "bad input", StateDetails = new PrefectStateDetails { Retriable = false } },
        };

        var (_, response) = Run(run, "a", request);

        Assert.Equal(TaskRunStatus.Failed, run.Task("a").Status);
        Assert.Equal(1, run.Task("a").Attempt);
        Assert.Equal(("ACCEPT", "FAILED", "Failed"), (response.Status, response.State!.Type, response.State.Name));
    }

    [Fact]
    public void Should_accept_a_failure_with_no_retries_left_as_FAILED()
    {
        var run = RulesRun.Start(TestWorkflows.Branching, Now);

        var (_, response) = Run(run, "check", Propose("FAILED"));

        Assert.Equal(("ACCEPT", "FAILED", "Failed"), (response.Status, response.State!.Type, response.State.Name));
    }

    [Fact]
    public void Should_reject_a_duplicate_RUNNING_with_the_current_state()
    {
        var run = RulesRun.Start(TestWorkflows.Diamond, Now);

        var (_, response) = Run(run, "a", Propose("RUNNING"));

        Assert.Equal("REJECT", response.Status);
        Assert.Equal(("RUNNING", "Running"), (response.State!.Type, response.State.Name));
        Assert.Equal("reject_details", response.Details.Type);
        Assert.Equal("task 'a' is already Running", response.Details.Reason);
    }

    [Fact]
    public void Should_wait_whole_seconds_until_a_scheduled_task_is_due()
    {
        var run = RulesRun.Start(TestWorkflows.Diamond, Now);
        Run(run, "a", Propose("FAILED"));
        var due = run.Task("a").ScheduledAt!.Value;

        var (_, response) = Run(run, "a", Propose("RUNNING"));

        Assert.Equal("WAIT", response.Status);
        Assert.Equal((int)Math.Ceiling((due - Now).TotalSeconds), response.Details.DelaySeconds);
        Assert.Equal(("SCHEDULED", due), (response.State!.Type, response.State.StateDetails!.ScheduledTime));
        var details = Wire(response)["details"]!;
        Assert.Equal("wait_details", (string?)details["type"]);
        Assert.NotNull(details["delay_seconds"]);
    }

    [Fact]
    public void Should_reject_a_task_of_a_paused_job_that_wants_to_run_into_NotReady()
    {
        var run = RulesRun.Start(TestWorkflows.Diamond, Now);
        run.Job.Status = JobStatus.Paused;

        var (_, response) = Run(run, "a", Propose("RUNNING"));

        Assert.Equal(("REJECT", "PAUSED", "NotReady"), (response.Status, response.State!.Type, response.State.Name));
        Assert.Equal($"job {run.Job.CorrelationId} is paused", response.Details.Reason);
    }

    [Fact]
    public void Should_tell_any_other_proposal_for_a_paused_job_to_wait()
    {
        var run = RulesRun.Start(TestWorkflows.Diamond, Now);
        run.Job.Status = JobStatus.Paused;

        var (_, response) = Run(run, "a", Propose("COMPLETED"));

        Assert.Equal("WAIT", response.Status);
        Assert.Equal(run.Options.PausedWaitSeconds, response.Details.DelaySeconds);
        Assert.Equal("RUNNING", response.State!.Type);
    }

    [Fact]
    public void Should_abort_a_proposal_for_a_finished_job()
    {
        var run = RulesRun.Start(TestWorkflows.Diamond, Now);
        Run(run, "a", Propose("CANCELLED"));

        var (_, response) = Run(run, "b", Propose("RUNNING"));

        Assert.Equal("ABORT", response.Status);
        Assert.Equal("abort_details", response.Details.Type);
        Assert.Equal($"job {run.Job.CorrelationId} is Failed: stop working on it", response.Details.Reason);
        Assert.Equal("PENDING", response.State!.Type);
    }

    [Fact]
    public void Should_abort_without_a_state_when_there_is_no_such_task_run()
    {
        var run = RulesRun.Start(TestWorkflows.Diamond, Now);

        var (_, response) = Run(run, "nope", Propose("RUNNING"));

        Assert.Equal("ABORT", response.Status);
        Assert.Null(response.State);
        Assert.Null(Wire(response)["state"]);
        Assert.Contains("has no task 'nope'", response.Details.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_answer_a_repeated_transition_id_like_the_first_time()
    {
        var run = RulesRun.Start(TestWorkflows.Diamond, Now);
        var request = Propose("COMPLETED") with
        {
            State = new PrefectState { Type = "COMPLETED", StateDetails = new PrefectStateDetails { TransitionId = "3c90c3cc-0d44-4b50-8888-8dd25736052a" } },
        };

        var first = Run(run, "a", request).Response;
        var again = Run(run, "a", request).Response;

        Assert.Equal(("ACCEPT", "ACCEPT"), (first.Status, again.Status));
        Assert.Equal("3c90c3cc-0d44-4b50-8888-8dd25736052a", again.State!.StateDetails!.TransitionId);
    }

    [Fact]
    public void Should_answer_an_outcome_for_a_proposal_without_a_type_without_failing()
    {
        var outcome = new CommandOutcome { JobId = Guid.NewGuid(), TaskId = "t", Command = nameof(SetTaskState), Status = CommandStatus.Accepted, TaskStatus = TaskRunStatus.Running };

        var response = PrefectSetState.ToResponse(new PrefectState(), outcome, Now);

        Assert.Equal("ACCEPT", response.Status);
        Assert.Null(response.State!.Name);
    }

    [Fact]
    public void Should_write_the_documented_response_shape()
    {
        var run = RulesRun.Start(TestWorkflows.Diamond, Now);

        var wire = Wire(Run(run, "a", Request(SeedRequest)).Response);

        Assert.Equal("ACCEPT", (string?)wire["status"]);
        var state = wire["state"]!;
        Assert.Equal("SCHEDULED", (string?)state["type"]);
        Assert.Equal("<string>", (string?)state["name"]);
        Assert.Equal("Run started", (string?)state["message"]);
        Assert.NotNull(state["timestamp"]);
        Assert.Equal("3c90c3cc-0d44-4b50-8888-8dd25736052a", (string?)state["state_details"]!["transition_id"]);
        Assert.True((bool?)state["state_details"]!["retriable"]);
    }
}
