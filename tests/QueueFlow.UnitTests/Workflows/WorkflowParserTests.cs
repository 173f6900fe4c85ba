using QueueFlow.Core.Jobs;
using QueueFlow.Core.Workflows;

namespace QueueFlow.UnitTests.Workflows;

public sealed class When_a_workflow_definition_is_parsed
{
    [Fact]
    public void Should_read_tasks_and_transitions_from_the_list_shape()
    {
        var result = WorkflowParser.Parse(TestWorkflows.Diamond);

        Assert.Empty(result.Errors);
        var definition = Assert.IsType<WorkflowDefinition>(result.Definition);
        Assert.Equal("diamond", definition.Name);
        Assert.Equal(["a", "b", "c", "d"], definition.Tasks.Select(t => t.Id));
        Assert.Equal("work.a", definition.TasksById["a"].Queue);
        Assert.Equal(1, definition.TasksById["a"].Retries);
        Assert.Equal(TimeSpan.FromSeconds(30), definition.TasksById["a"].Timeout);
        Assert.Equal(["b", "c"], definition.Outgoing["a"].Select(t => t.To));
        Assert.Equal(["b", "c"], definition.Incoming["d"].Select(t => t.From));
    }

    [Fact]
    public void Should_read_transitions_from_the_Itential_map_shape()
    {
        var definition = TestWorkflows.Parse(TestWorkflows.Branching);

        Assert.Contains(new TransitionDefinition("check", "escalate", "error"), definition.Transitions);
        Assert.Contains(new TransitionDefinition("check", "approve", "success"), definition.Transitions);
        Assert.Equal(TaskKind.Manual, definition.TasksById["escalate"].Kind);
    }

    [Fact]
    public void Should_report_malformed_JSON()
    {
        var result = WorkflowParser.Parse("{ \"name\": ");

        Assert.Null(result.Definition);
        Assert.StartsWith("malformed JSON", Assert.Single(result.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_list_every_field_error_at_once()
    {
        var result = WorkflowParser.Parse("""
            {
              "name": 7,
              "colour": "blue",
              "tasks": [ { "id": "a", "retries": 11, "timeoutSeconds": "soon", "kind": "robot", "quee": "x" } ],
              "transitions": [ { "from": "workflow_start" } ]
            }
            """);

        Assert.Null(result.Definition);
        Assert.Equal(
            [
                "colour: unknown field",
                "name: must be a string, not number",
                "tasks[0].quee: unknown field",
                "tasks[0].kind: 'robot' is not one of worker, manual, workflow",
                "tasks[0].retries: must be a whole number from 0 to 10",
                "tasks[0].timeoutSeconds: must be a whole number of at least 1",
                "transitions[0].to: required",
            ],
            result.Errors);
    }

    [Fact]
    public void Should_refuse_duplicate_ids_and_transitions_to_unknown_tasks()
    {
        var result = WorkflowParser.Parse("""
            {
              "name": "broken",
              "tasks": [ { "id": "a", "queue": "q" }, { "id": "a", "queue": "q" }, { "id": "workflow_end", "queue": "q" } ],
              "transitions": [ { "from": "workflow_start", "to": "a" }, { "from": "a", "to": "ghost" } ]
            }
            """);

        Assert.Contains("tasks[1].id: duplicate task id 'a' (first at tasks[0])", result.Errors);
        Assert.Contains("tasks[2].id: 'workflow_end' is a reserved id", result.Errors);
        Assert.Contains("transitions[1].to: 'a' -> 'ghost' leads to unknown task 'ghost'", result.Errors);
    }

    [Fact]
    public void Should_refuse_a_graph_without_a_path_to_workflow_end()
    {
        var result = WorkflowParser.Parse("""
            {
              "name": "dead-end",
              "tasks": [ { "id": "a", "queue": "q" }, { "id": "orphan", "queue": "q" } ],
              "transitions": [ { "from": "workflow_start", "to": "a" } ]
            }
            """);

        Assert.Contains("transitions: there is no path from workflow_start to workflow_end", result.Errors);
        Assert.Contains("tasks[0]: 'a' has no path to workflow_end", result.Errors);
        Assert.Contains("tasks[1]: 'orphan' cannot be reached from workflow_start", result.Errors);
    }

    [Fact]
    public void Should_read_a_workflow_task_with_the_workflow_it_runs()
    {
        var result = WorkflowParser.Parse("""
            { "name": "parent", "tasks": [ { "id": "sub", "kind": "workflow", "workflow": "child", "version": 2 } ],
              "transitions": [ { "from": "workflow_start", "to": "sub" }, { "from": "sub", "to": "workflow_end" } ] }
            """);

        Assert.Empty(result.Errors);
        var task = result.Definition!.TasksById["sub"];
        Assert.Equal((TaskKind.Workflow, "child", (int?)2), (task.Kind, task.Workflow, task.WorkflowVersion));
    }

    [Fact]
    public void Should_refuse_workflow_tasks_that_name_no_workflow_or_their_own_and_other_tasks_that_name_one()
    {
        var result = WorkflowParser.Parse("""
            { "name": "w",
              "tasks": [
                { "id": "none", "kind": "workflow" },
                { "id": "self", "kind": "workflow", "workflow": "w" },
                { "id": "worker", "queue": "q", "workflow": "child" }
              ],
              "transitions": [ { "from": "workflow_start", "to": "none" }, { "from": "none", "to": "self" }, { "from": "self", "to": "worker" },
                               { "from": "worker", "to": "workflow_end" } ] }
            """);

        Assert.Contains("tasks[0].workflow: workflow task 'none' needs the workflow it runs", result.Errors);
        Assert.Contains("tasks[1].workflow: workflow task 'self' runs its own workflow 'w': a job may not start itself", result.Errors);
        Assert.Contains("tasks[2].workflow: only a workflow task names a workflow and version, not worker task 'worker'", result.Errors);
    }

    [Fact]
    public void Should_require_a_queue_for_worker_tasks()
    {
        var result = WorkflowParser.Parse("""
            { "name": "w", "tasks": [ { "id": "a" } ], "transitions": [ { "from": "workflow_start", "to": "a" }, { "from": "a", "to": "workflow_end" } ] }
            """);

        Assert.Equal(["tasks[0].queue: worker task 'a' needs a queue"], result.Errors);
    }

    [Fact]
    public void Should_accept_a_loop_and_know_which_tasks_it_runs_again()
    {
        var definition = TestWorkflows.Parse(TestWorkflows.Revisions);

        var loop = Assert.Single(definition.Transitions, definition.IsLoop);
        Assert.Equal(new TransitionDefinition("review", "draft", "loop"), loop);
        Assert.Equal(["draft", "review"], definition.LoopBody(loop).Order());
        Assert.Equal(3, definition.MaxIterations);
        Assert.DoesNotContain(loop, definition.ForwardIncoming["draft"]);
    }

    [Fact]
    public void Should_list_graph_errors_beside_unknown_fields_and_wrong_types()
    {
        var result = WorkflowParser.Parse("""
            {
              "name": "everything",
              "colour": "blue",
              "tasks": [ { "id": "a", "queue": "q", "retries": "two" }, { "id": "a", "queue": "q" } ],
              "transitions": [ { "from": "workflow_start", "to": "a" }, { "from": "a", "to": "ghost" }, { "from": "a", "to": "workflow_end" } ]
            }
            """);

        Assert.Null(result.Definition);
        Assert.Equal(
            [
                "colour: unknown field",
                "tasks[0].retries: must be a whole number from 0 to 10",
                "tasks[1].id: duplicate task id 'a' (first at tasks[0])",
                "transitions[1].to: 'a' -> 'ghost' leads to unknown task 'ghost'",
            ],
            result.Errors);
    }

    [Fact]
    public void Should_list_an_unreachable_task_beside_a_worker_task_without_a_queue()
    {
        var result = WorkflowParser.Parse("""
            {
              "name": "w",
              "tasks": [ { "id": "a" }, { "id": "orphan", "queue": "q" } ],
              "transitions": [ { "from": "workflow_start", "to": "a" }, { "from": "a", "to": "workflow_end" }, { "from": "orphan", "to": "workflow_end" } ]
            }
            """);

        Assert.Equal(
            [
                "tasks[0].queue: worker task 'a' needs a queue",
                "tasks[1]: 'orphan' cannot be reached from workflow_start",
            ],
            result.Errors);
    }

    [Fact]
    public void Should_name_the_map_entry_of_an_itential_transition_to_an_unknown_task()
    {
        var result = WorkflowParser.Parse("""
            { "name": "w", "tasks": [ { "id": "a", "queue": "q" } ],
              "transitions": { "workflow_start": { "a": { "state": "success" } }, "a": { "workflow_end": {}, "ghost": { "type": "standard" } } } }
            """);

        Assert.Equal(["transitions.a.ghost: 'a' -> 'ghost' leads to unknown task 'ghost'"], result.Errors);
    }

    [Fact]
    public void Should_refuse_names_longer_than_their_columns()
    {
        var longName = new string('n', 256);
        var longState = new string('s', 65);
        var result = WorkflowParser.Parse($$"""
            { "name": "{{longName}}", "tasks": [ { "id": "a", "queue": "{{longName}}" } ],
              "transitions": [ { "from": "workflow_start", "to": "a" }, { "from": "a", "to": "workflow_end", "state": "{{longState}}" } ] }
            """);

        Assert.Equal(
            [
                "name: must be at most 255 characters, not 256",
                "tasks[0].queue: must be at most 255 characters, not 256",
                "transitions[1].state: must be at most 64 characters, not 65",
            ],
            result.Errors);
    }
}
