using QueueFlow.Core.Workflows;

namespace QueueFlow.UnitTests;

/// <summary>Definitions the scenarios share, written as users write them.</summary>
internal static class TestWorkflows
{
    /// <summary>a, then b and c in parallel, joined by d.</summary>
    public const string Diamond = """
        {
          "name": "diamond",
          "version": 1,
          "tasks": [
            { "id": "a", "queue": "work.a", "input": { "order": "${variables.orderId}" }, "retries": 1, "timeoutSeconds": 30 },
            { "id": "b", "queue": "work.b", "input": { "fromA": "${tasks.a.output.reserved}" } },
            { "id": "c", "queue": "work.c" },
            { "id": "d", "queue": "work.d" }
          ],
          "transitions": [
            { "from": "workflow_start", "to": "a" },
            { "from": "a", "to": "b" },
            { "from": "a", "to": "c" },
            { "from": "b", "to": "d" },
            { "from": "c", "to": "d" },
            { "from": "d", "to": "workflow_end" }
          ]
        }
        """;

    /// <summary>check branches on its finish state: success to approve, error to escalate; both end.</summary>
    public const string Branching = """
        {
          "name": "branching",
          "version": 1,
          "tasks": [
            { "id": "check", "queue": "work.check" },
            { "id": "approve", "queue": "work.approve" },
            { "id": "escalate", "kind": "manual" }
          ],
          "transitions": {
            "workflow_start": { "check": { "type": "standard", "state": "success" } },
            "check": { "approve": { "type": "standard", "state": "success" }, "escalate": { "type": "standard", "state": "error" } },
            "approve": { "workflow_end": { "type": "standard", "state": "success" } },
            "escalate": { "workflow_end": { "type": "standard", "state": "success" } }
          }
        }
        """;

    /// <summary>risky carries on past its failure; guarded fails into its error branch, handled by a person.</summary>
    public const string Policies = """
        {
          "name": "policies",
          "version": 1,
          "tasks": [
            { "id": "risky", "queue": "work.risky", "onFailure": "skipTask" },
            { "id": "guarded", "queue": "work.guarded", "onFailure": "errorTransition" },
            { "id": "ship", "queue": "work.ship" },
            { "id": "handle", "kind": "manual" }
          ],
          "transitions": [
            { "from": "workflow_start", "to": "risky" },
            { "from": "risky", "to": "guarded" },
            { "from": "guarded", "to": "ship" },
            { "from": "guarded", "to": "handle", "state": "error" },
            { "from": "ship", "to": "workflow_end" },
            { "from": "handle", "to": "workflow_end" }
          ]
        }
        """;

    /// <summary>draft, then review, which loops back to draft until it approves; at most 3 iterations.</summary>
    public const string Revisions = """
        {
          "name": "revisions",
          "version": 1,
          "maxIterations": 3,
          "tasks": [
            { "id": "draft", "queue": "work.draft" },
            { "id": "review", "kind": "manual" },
            { "id": "publish", "queue": "work.publish", "input": { "text": "${tasks.draft.output.text}" } }
          ],
          "transitions": [
            { "from": "workflow_start", "to": "draft" },
            { "from": "draft", "to": "review" },
            { "from": "review", "to": "draft", "state": "loop" },
            { "from": "review", "to": "publish" },
            { "from": "publish", "to": "workflow_end" }
          ]
        }
        """;

    /// <summary>slow has a start-to-close and a heartbeat timeout and one immediate retry; once never retries a timeout.</summary>
    public const string Timed = """
        {
          "name": "timed",
          "version": 1,
          "deadlineSeconds": 600,
          "onDeadline": "cancelJob",
          "tasks": [
            { "id": "slow", "queue": "work.slow", "timeoutSeconds": 30, "heartbeatTimeoutSeconds": 10, "retries": 1, "retryDelaySeconds": 0 },
            { "id": "once", "queue": "work.once", "timeoutSeconds": 5, "retries": 3, "retryOnTimeout": false }
          ],
          "transitions": [
            { "from": "workflow_start", "to": "slow" },
            { "from": "slow", "to": "once" },
            { "from": "once", "to": "workflow_end" }
          ]
        }
        """;

    /// <summary>order runs branching as a child job (retried once with a new child), then ship.</summary>
    public const string Nested = """
        {
          "name": "nested",
          "version": 1,
          "tasks": [
            { "id": "order", "kind": "workflow", "workflow": "branching", "input": { "orderId": "${variables.orderId}" }, "retries": 1, "retryDelaySeconds": 0 },
            { "id": "ship", "queue": "work.ship", "input": { "approvedBy": "${tasks.order.output.approvedBy}" } }
          ],
          "transitions": [
            { "from": "workflow_start", "to": "order" },
            { "from": "order", "to": "ship" },
            { "from": "ship", "to": "workflow_end" }
          ]
        }
        """;

    public static WorkflowDefinition Parse(string json) =>
        WorkflowParser.Parse(json) is { Definition: { } definition } ? definition : throw new InvalidOperationException("test workflow is invalid");
}
