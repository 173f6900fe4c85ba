using System.Text.Json.Nodes;
using QueueFlow.Core.Jobs;

namespace QueueFlow.UnitTests.Jobs;

public sealed class When_a_task_input_is_resolved
{
    static readonly JsonObject Variables = JsonNode.Parse("""{ "order": { "id": 42, "lines": [1, 2] }, "region": "eu" }""")!.AsObject();

    static JsonObject? Outputs(string taskId) => taskId == "reserve" ? JsonNode.Parse("""{ "ticket": "T-9" }""")!.AsObject() : null;

    [Fact]
    public void Should_replace_references_to_variables_and_earlier_outputs_anywhere_in_the_template()
    {
        var template = JsonNode.Parse("""{ "id": "${variables.order.id}", "nested": ["${tasks.reserve.output.ticket}", "literal"], "all": "${variables.order}" }""");

        var (input, error) = InputTemplate.Resolve(template, Variables, Outputs);

        Assert.Null(error);
        Assert.Equal("""{"id":42,"nested":["T-9","literal"],"all":{"id":42,"lines":[1,2]}}""", input!.ToJsonString());
    }

    [Fact]
    public void Should_name_the_missing_variable()
    {
        var (input, error) = InputTemplate.Resolve(JsonNode.Parse("""{ "x": "${variables.order.customer}" }"""), Variables, Outputs);

        Assert.Null(input);
        Assert.Equal("input reference '${variables.order.customer}' names nothing: 'variables.order.customer' is not set", error);
    }

    [Fact]
    public void Should_name_the_task_without_output()
    {
        var (_, error) = InputTemplate.Resolve(JsonValue.Create("${tasks.ship.output.id}"), Variables, Outputs);

        Assert.Equal("input reference '${tasks.ship.output.id}' names task 'ship', which has no output yet", error);
    }
}
