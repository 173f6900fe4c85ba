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
        Assert.Equal(new JsonDefect(JsonDefectKind.DuplicateKey, path), JsonDefects.Find(json));

    [Theory]
    [InlineData("""{ "k": 1, "K": 2, "nested": { "k": 1 }, "list": [ { "k": 1 }, { "k": 2 } ] }""")]
    [InlineData("""{ "k": 1, "k": """)]
    [InlineData("42")]
    [InlineData("""{ "escaped": "tab\tquote\"slash\/nul-free \u00e9 \ud83d\ude00", "\u006b": "\u0041" }""")]
    public void Should_find_none_in_a_document_without_one_or_leave_malformed_json_to_its_parser(string json) =>
        Assert.Null(JsonDefects.Find(json));

    [Fact]
    public void Should_read_past_comments_when_asked()
    {
        Assert.Equal("$.a", JsonDefects.Find("""{ /* first */ "a": 1, "a": 2 }""", allowComments: true)?.Path);
        Assert.Null(JsonDefects.Find("""{ /* first */ "a": 1, "a": 2 }"""));
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

/// <summary>
/// Strings no reader can keep: <c>\u0000</c>, which PostgreSQL's jsonb refuses, and half of a surrogate pair, which
/// System.Text.Json refuses to read as a string. Either, stored as it came, would fail the write of its job.
/// </summary>
public sealed class When_a_json_document_holds_a_string_no_reader_can_keep
{
    [Theory]
    [InlineData("""{ "variables": { "k": "a\u0000b" } }""", JsonDefectKind.NulCharacter, "$.variables.k")]
    [InlineData("""{ "variables": { "list": [ "ok", "\u0000" ] } }""", JsonDefectKind.NulCharacter, "$.variables.list[1]")]
    [InlineData("""{ "variables": { "a\u0000b": 1 } }""", JsonDefectKind.NulCharacter, "$.variables['a\\u0000b']")]
    [InlineData("""{ "output": { "k": "\ud800" } }""", JsonDefectKind.LoneSurrogate, "$.output.k")]
    [InlineData("""{ "output": { "k": "x\udc00y" } }""", JsonDefectKind.LoneSurrogate, "$.output.k")]
    [InlineData("""{ "output": { "k\ud800": 1 } }""", JsonDefectKind.LoneSurrogate, "$.output['k\\\\ud800']")]
    [InlineData("""[ { "a": 1, "a": 2 }, "\u0000" ]""", JsonDefectKind.DuplicateKey, "$[0].a")]
    public void Should_name_the_first_with_its_path(string json, JsonDefectKind kind, string path) =>
        Assert.Equal(new JsonDefect(kind, path), JsonDefects.Find(json));

    [Fact]
    public void Should_say_what_is_wrong_and_where()
    {
        Assert.Equal(
            @"cannot be kept as it is at $.k: the text holds U+0000 (\u0000), which PostgreSQL cannot store in JSON",
            JsonDefects.Find("""{ "k": "\u0000" }""")!.Describe());
        Assert.Equal(
            "names a key twice at $.k: each key may appear once in a JSON object",
            JsonDefects.Find("""{ "k": 1, "k": 2 }""")!.Describe());
    }

    [Fact]
    public void Should_refuse_a_workflow_definition_holding_one()
    {
        var result = WorkflowParser.Parse("""
            { "name": "w\ud800", "tasks": [ { "id": "a", "queue": "q" } ],
              "transitions": [ { "from": "workflow_start", "to": "a" }, { "from": "a", "to": "workflow_end" } ] }
            """);

        Assert.Equal(["name: the text holds half of a surrogate pair (an escape such as \\ud800 without its partner), which is not text"], result.Errors);
    }
}
