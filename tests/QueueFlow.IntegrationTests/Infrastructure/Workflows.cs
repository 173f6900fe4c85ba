namespace QueueFlow.IntegrationTests.Infrastructure;

/// <summary>Definition documents for the end-to-end scenarios, with names and queues unique to the run.</summary>
public static class Workflows
{
    /// <summary>a, then b and c in parallel, then d once both are done.</summary>
    public static string Diamond(string name) => $$"""
        {
          "name": "{{name}}",
          "tasks": [
            { "id": "a", "queue": "{{name}}.a", "input": { "orderId": "${variables.orderId}" } },
            { "id": "b", "queue": "{{name}}.b", "input": { "reservation": "${tasks.a.output.reservation}" } },
            { "id": "c", "queue": "{{name}}.c" },
            { "id": "d", "queue": "{{name}}.d", "input": { "label": "${tasks.c.output.label}" } }
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

    /// <summary><paramref name="length"/> tasks one after another, all on one queue.</summary>
    public static string Chain(string name, int length)
    {
        var tasks = string.Join(",\n", Enumerable.Range(1, length).Select(i => $$"""{ "id": "t{{i}}", "queue": "{{name}}" }"""));
        var transitions = string.Join(",\n", Enumerable.Range(0, length + 1).Select(i =>
            $$"""{ "from": "{{(i == 0 ? "workflow_start" : $"t{i}")}}", "to": "{{(i == length ? "workflow_end" : $"t{i + 1}")}}" }"""));
        return $$"""{ "name": "{{name}}", "tasks": [ {{tasks}} ], "transitions": [ {{transitions}} ] }""";
    }
}
