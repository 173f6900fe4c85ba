using System.Text.Json;
using System.Text.Json.Nodes;
using QueueFlow.Contracts;
using QueueFlow.Core.Adapters.Itential;

namespace QueueFlow.UnitTests.Adapters.Itential;

/// <summary>Itential's finish_task (seed 000) and Operations Manager's finish (seed 002): task data onto CompleteTask, the job back as Itential's job document.</summary>
public sealed class When_an_Itential_task_is_finished
{
    static readonly DateTimeOffset Started = DateTimeOffset.FromUnixTimeMilliseconds(1555430149763);

    /// <summary>Seed 000's request example.</summary>
    const string SeedRequest = """
        {
          "task_data": {
            "finish_state": "loop",
            "variables": {
              "incoming": { "inputVariable": "inputValue" },
              "outgoing": { "outputVariable": "outputValue" },
              "translations": { "translationVariable": "translationValue" },
              "error": ""
            }
          }
        }
        """;

    static ItentialFinishTaskRequest Request(string json) =>
        JsonSerializer.Deserialize<ItentialFinishTaskRequest>(json) ?? throw new InvalidOperationException("no request");

    static CompleteTask Translate(string json)
    {
        var translation = ItentialFinishTask.ToCommand(Request(json), Guid.NewGuid(), "review", Guid.NewGuid());
        Assert.True(translation.IsValid, string.Join("; ", translation.Errors));
        return translation.Command!;
    }

    static JsonNode Wire<T>(T value) => JsonNode.Parse(JsonSerializer.Serialize(value))!;

    [Fact]
    public void Should_translate_the_documented_request()
    {
        var jobId = Guid.NewGuid();
        var attemptId = Guid.NewGuid();

        var command = ItentialFinishTask.ToCommand(Request(SeedRequest), jobId, "review", attemptId, owner: "admin@pronghorn").Command!;

        Assert.Equal((jobId, "review", attemptId, "admin@pronghorn"), (command.JobId, command.TaskId, command.AttemptId, command.Owner));
        Assert.Equal("loop", command.FinishState);
        Assert.Equal("""{ "outputVariable": "outputValue" }""", command.Output!.Value.GetRawText());
        Assert.Null(command.Variables);
    }

    [Theory]
    [InlineData("""{ "task_data": {} }""", "success")]
    [InlineData("""{ "task_data": { "finish_state": " ", "variables": { "error": {} } } }""", "success")]
    [InlineData("""{ "task_data": { "finish_state": "error" } }""", "error")]
    public void Should_default_the_finish_state_to_success(string json, string finishState)
    {
        var command = Translate(json);

        Assert.Equal(finishState, command.FinishState);
        Assert.Null(command.Output);
    }

    [Fact]
    public void Should_route_a_reported_error_down_the_error_transition_and_keep_it_in_the_output()
    {
        var command = Translate("""{ "task_data": { "variables": { "outgoing": { "device": "r1" }, "error": "device unreachable" } } }""");

        Assert.Equal("error", command.FinishState);
        Assert.Equal("""{"device":"r1","error":"device unreachable"}""", command.Output!.Value.GetRawText());
    }

    [Fact]
    public void Should_let_an_explicit_finish_state_win_over_a_reported_error()
    {
        var command = Translate("""{ "task_data": { "finish_state": "success", "variables": { "error": { "code": 7 } } } }""");

        Assert.Equal("success", command.FinishState);
        Assert.Equal("""{"error":{"code":7}}""", command.Output!.Value.GetRawText());
    }

    [Theory]
    [InlineData("{}", "task_data", "task_data is required")]
    [InlineData("""{ "task_data": { "variables": { "outgoing": "x" } } }""", "task_data.variables.outgoing", "outgoing must be a JSON object, not string")]
    public void Should_refuse_a_request_without_task_data_or_with_outgoing_that_is_not_an_object(string json, string field, string message)
    {
        var translation = ItentialFinishTask.ToCommand(Request(json), Guid.NewGuid(), "review", Guid.NewGuid());

        Assert.Equal(new Core.Adapters.AdapterError(field, message), Assert.Single(translation.Errors));
    }

    [Fact]
    public void Should_finish_a_manual_task_from_Operations_Manager_with_or_without_task_data()
    {
        var empty = JsonSerializer.Deserialize<ItentialManualTaskFinishRequest>("{}")!;
        var withData = JsonSerializer.Deserialize<ItentialManualTaskFinishRequest>("""{ "taskData": { "finish_state": "error", "variables": { "outgoing": { "x": 1 } } } }""")!;

        Assert.Equal("success", ItentialFinishTask.ToCommand(empty, Guid.NewGuid(), "review", Guid.NewGuid()).Command!.FinishState);
        var command = ItentialFinishTask.ToCommand(withData, Guid.NewGuid(), "review", Guid.NewGuid()).Command!;
        Assert.Equal("error", command.FinishState);
        Assert.Equal("""{ "x": 1 }""", command.Output!.Value.GetRawText());
        Assert.Equal("taskData.variables.outgoing", Assert.Single(ItentialFinishTask.ToCommand(
            JsonSerializer.Deserialize<ItentialManualTaskFinishRequest>("""{ "taskData": { "variables": { "outgoing": [] } } }""")!, Guid.NewGuid(), "t", Guid.NewGuid()).Errors).Field);
    }

    [Fact]
    public void Should_answer_the_job_document_of_a_completed_job()
    {
        var run = RulesRun.Start(TestWorkflows.Branching, Started, owner: "5a3496c64da02d9dfa0b2f91");
        run.Now = Started.AddSeconds(2);
        run.Apply(new CompleteTask { JobId = run.Job.CorrelationId, TaskId = "check", AttemptId = run.Attempt("check"), FinishState = "error", Owner = "Pronghorn" });
        run.Now = Started.AddSeconds(5);
        var finish = ItentialFinishTask.ToCommand(Request("""{ "task_data": { "finish_state": "success", "variables": { "outgoing": { "ok": true } } } }"""),
            run.Job.CorrelationId, "escalate", run.Attempt("escalate"), owner: "admin@pronghorn").Command!;
        Assert.Equal(CommandStatus.Accepted, run.Apply(finish).Status);

        var wire = Wire(ItentialFinishTask.ToJobDocument(run.Job, run.Definition, run.Now.AddHours(1)));

        Assert.Equal(run.Job.CorrelationId.ToString("N"), (string?)wire["_id"]);
        Assert.Equal("branching", (string?)wire["name"]);
        Assert.Equal("complete", (string?)wire["status"]);
        Assert.Equal(["workflow_start", "workflow_end", "check", "approve", "escalate"], wire["tasks"]!.AsObject().Select(t => t.Key));
        Assert.Equal(
            """{"name":"check","status":"complete","metrics":{"owner":"Pronghorn","start_time":1555430149763,"end_time":1555430151763,"run_time":2000,"finish_state":"error"}}""",
            wire["tasks"]!["check"]!.ToJsonString());
        // approve was skipped: Itential has no such status, so it reads as complete, never started.
        Assert.Equal("""{"name":"approve","status":"complete","metrics":{"end_time":1555430151763,"finish_state":"complete"}}""", wire["tasks"]!["approve"]!.ToJsonString());
        Assert.Equal("admin@pronghorn", (string?)wire["tasks"]!["escalate"]!["metrics"]!["owner"]);
        Assert.Equal(
            """{"name":"workflow_end","status":"complete","metrics":{"owner":"5a3496c64da02d9dfa0b2f91","start_time":1555430154763,"end_time":1555430154763,"run_time":0,"finish_state":"success"}}""",
            wire["tasks"]!["workflow_end"]!.ToJsonString());
        Assert.Equal(
            """{"owner":"5a3496c64da02d9dfa0b2f91","start_time":1555430149763,"end_time":1555430154763,"run_time":5000,"finish_state":"complete"}""",
            wire["metrics"]!.ToJsonString());
        Assert.Equal("[]", wire["watchers"]!.ToJsonString());
        Assert.Equal("[]", wire["error"]!.ToJsonString());
        Assert.Equal("""{"orderId":"o-1"}""", wire["variables"]!.ToJsonString());
    }

    [Fact]
    public void Should_write_transitions_in_Itentials_map_shape()
    {
        var run = RulesRun.Start(TestWorkflows.Branching, Started);

        var transitions = Wire(ItentialFinishTask.ToJobDocument(run.Job, run.Definition, Started))["transitions"]!;

        Assert.Equal(
            """{"workflow_start":{"check":{"type":"standard","state":"success"}},"check":{"approve":{"type":"standard","state":"success"},"escalate":{"type":"standard","state":"error"}},"approve":{"workflow_end":{"type":"standard","state":"success"}},"escalate":{"workflow_end":{"type":"standard","state":"success"}}}""",
            transitions.ToJsonString());
    }

    [Fact]
    public void Should_list_the_no_transition_error_of_a_failed_job()
    {
        var run = RulesRun.Start(TestWorkflows.Branching, Started);
        run.Now = Started.AddSeconds(3);
        // check has no loop transition: finishing it with loop leaves the job nowhere to go.
        run.Apply(ItentialFinishTask.ToCommand(Request("""{ "task_data": { "finish_state": "loop" } }"""), run.Job.CorrelationId, "check", run.Attempt("check")).Command!);

        var wire = Wire(ItentialFinishTask.ToJobDocument(run.Job, run.Definition, run.Now));

        Assert.Equal("error", (string?)wire["status"]);
        var error = Assert.Single(wire["error"]!.AsArray())!;
        Assert.Equal("check", (string?)error["task"]);
        Assert.StartsWith("No available transitions found from completed task(s)", (string?)error["message"], StringComparison.Ordinal);
        Assert.Equal(1555430152763, (long?)error["timestamp"]);
        Assert.Equal("incomplete", (string?)wire["tasks"]!["workflow_end"]!["status"]);
        Assert.Equal("incomplete", (string?)wire["tasks"]!["approve"]!["status"]);
    }

    [Fact]
    public void Should_show_a_running_job_with_run_time_up_to_now()
    {
        var run = RulesRun.Start(TestWorkflows.Branching, Started);

        var wire = Wire(ItentialFinishTask.ToJobDocument(run.Job, run.Definition, Started.AddSeconds(7), ["5cb7b531d06cceb89fd21b1c"]));

        Assert.Equal("running", (string?)wire["status"]);
        Assert.Equal("running", (string?)wire["tasks"]!["check"]!["status"]);
        Assert.Equal(7000, (long?)wire["metrics"]!["run_time"]);
        Assert.Null(wire["metrics"]!["end_time"]);
        Assert.Equal("""["5cb7b531d06cceb89fd21b1c"]""", wire["watchers"]!.ToJsonString());
    }

    [Fact]
    public void Should_wrap_the_job_in_Operations_Managers_envelope()
    {
        var run = RulesRun.Start(TestWorkflows.Branching, Started);

        var wire = Wire(ItentialFinishTask.ToFinishResponse(ItentialFinishTask.ToJobDocument(run.Job, run.Definition, Started)));

        Assert.Equal(["message", "data", "metadata"], wire.AsObject().Select(p => p.Key));
        Assert.Equal("Successfully created the requested item", (string?)wire["message"]);
        Assert.Equal("branching", (string?)wire["data"]!["name"]);
        Assert.Equal("{}", wire["metadata"]!.ToJsonString());
    }
}
