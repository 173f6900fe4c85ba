using QueueFlow.Core.Json;
using QueueFlow.Core.Workflows;

namespace QueueFlow.UnitTests.Json;

public sealed class When_a_json_document_names_a_key_twice
{
    [Theory]
    [InlineData("""{ "workflow": "w", "variables": { "k": 1, "k": 2 } }""", "$.variables.k")]
    [InlineData("""{ "a": 1, "a": 2 }""", "$.a")]
    [InlineData("""{ "tasks": [ { "id": "x" }, { "id": "y", "queue": "q", "id": "z" } ] }""", "$.tasks[1].id")]
    [InlineData("""[ 1, [ 2, { "b": { "c": [ { "d": 1, "d": 1 } ] } } ] ]""", "$[1][1].b.c[0].d")]
    [InlineData("""{ "o": { "a b": 1, "a b": 2 } }""", "$.o['a b']")]
    public void Should_name_the_path_of_the_second_key(string json, string path) =>
        Assert.Equal(path, DuplicateKeys.Find(json));

    [Theory]
    [InlineData("""{ "k": 1, "K": 2, "nested": { "k": 1 }, "list": [ { "k": 1 }, { "k": 2 } ] }""")]
    [InlineData("""{ "k": 1, "k": """)]
    [InlineData("42")]
    public void Should_find_none_in_a_document_without_one_or_leave_malformed_json_to_its_parser(string json) =>
        Assert.Null(DuplicateKeys.Find(json));

    [Fact]
    public void Should_read_past_comments_when_asked()
    {
        Assert.Equal("$.a", DuplicateKeys.Find("""{ /* first */ "a": 1, "a": 2 }""", allowComments: true));
        Assert.Null(DuplicateKeys.Find("""{ /* first */ "a": 1, "a": 2 }"""));
    }

    [Fact]
    public void Should_refuse_a_workflow_definition_with_a_key_named_twice()
    {
        var result = WorkflowParser.Parse("""
            { "name": "w", "tasks": [ { "id": "a", "queue": "q", "queue": "r" } ],
              "transitions": [ { "from": "workflow_start", "to": "a" }, { "from": "a", "to": "workflow_end" } ] }
            """);

        Assert.Equal(["tasks[0].queue: the key is named twice in one object"], result.Errors);
    }
}
