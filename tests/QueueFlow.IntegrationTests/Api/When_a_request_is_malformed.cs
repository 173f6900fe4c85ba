using System.Net;
using QueueFlow.IntegrationTests.Infrastructure;
using static QueueFlow.IntegrationTests.Api.ApiCalls;

namespace QueueFlow.IntegrationTests.Api;

[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_request_is_malformed(ApiFactory api) : IClassFixture<ApiFactory>
{
    static readonly Uri Jobs = new("/api/jobs", UriKind.Relative);

    [Fact]
    public async Task Should_answer_400_naming_the_position_of_malformed_json()
    {
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        using var response = await admin.PostAsync(Jobs, Json("""{"workflow": "x", """));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("not valid JSON", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_answer_400_naming_the_field_of_a_wrong_type()
    {
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        using var version = await admin.PostAsync(Jobs, Json("""{"workflow": "x", "version": "two"}"""));
        using var variables = await admin.PostAsync(Jobs, Json("""{"workflow": "x", "variables": [1, 2]}"""));
        using var missing = await admin.PostAsync(Jobs, Json("""{"version": 1}"""));
        using var unknownField = await admin.PostAsync(Jobs, Json("""{"workflow": "x", "workflw": "y"}"""));

        Assert.Equal("$.version", (await AssertProblemAsync(version, HttpStatusCode.BadRequest)).GetProperty("path").GetString());
        Assert.Equal("$.variables", (await AssertProblemAsync(variables, HttpStatusCode.BadRequest)).GetProperty("path").GetString());
        Assert.Contains("workflow", (await AssertProblemAsync(missing, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("workflw", (await AssertProblemAsync(unknownField, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"workflow": "x", "variables": {"k": 1, "k": 2}}""", "$.variables.k")]
    [InlineData("""{"workflow": "x", "workflow": "y"}""", "$.workflow")]
    [InlineData("""{"workflow": "x", "variables": {"order": {"lines": [{"sku": "a", "sku": "b"}]}}}""", "$.variables.order.lines[0].sku")]
    public async Task Should_answer_400_naming_the_path_of_a_key_named_twice(string body, string path)
    {
        using var admin = api.ClientWith(ApiFactory.AdminKey);

        using var response = await admin.PostAsync(Jobs, Json(body));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(path, problem.GetProperty("path").GetString());
        Assert.Contains($"names a key twice at {path}", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"workflow": "x", "variables": {"note": "a\u0000b"}}""", "$.variables.note", "U+0000")]
    [InlineData("""{"workflow": "x", "variables": {"k\ud800": 1}}""", "$.variables['k\\\\ud800']", "half of a surrogate pair")]
    public async Task Should_answer_400_naming_the_path_of_text_no_column_can_hold(string body, string path, string problem)
    {
        using var admin = api.ClientWith(ApiFactory.AdminKey);

        using var response = await admin.PostAsync(Jobs, Json(body));

        var answer = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(path, answer.GetProperty("path").GetString());
        Assert.Contains($"cannot be kept as it is at {path}", answer.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains(problem, answer.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_answer_400_for_a_name_longer_than_its_column_and_a_version_below_one()
    {
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        var longName = new string('w', 10_000);

        using var workflow = await admin.PostAsync(new Uri("/api/workflows", UriKind.Relative), Json($$"""
            { "name": "{{longName}}", "tasks": [ { "id": "a", "queue": "q" } ],
              "transitions": [ { "from": "workflow_start", "to": "a" }, { "from": "a", "to": "workflow_end" } ] }
            """));
        using var job = await admin.PostAsync(Jobs, Json($$"""{"workflow": "{{longName}}"}"""));
        using var version = await admin.PostAsync(Jobs, Json("""{"workflow": "x", "version": -2147483648}"""));

        var registered = await AssertProblemAsync(workflow, HttpStatusCode.BadRequest);
        Assert.Equal("name: must be at most 255 characters, not 10000", registered.GetProperty("errors")[0].GetString());
        Assert.Equal("$.workflow", (await AssertProblemAsync(job, HttpStatusCode.BadRequest)).GetProperty("path").GetString());
        Assert.Equal("$.version", (await AssertProblemAsync(version, HttpStatusCode.BadRequest)).GetProperty("path").GetString());
    }

    [Fact]
    public async Task Should_answer_413_for_a_body_over_the_limit()
    {
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        var padding = new string('x', 1024 * 1024 + 1);
        using var job = await admin.PostAsync(Jobs, Json($$$"""{"workflow": "x", "variables": {"pad": "{{{padding}}}"}}"""));
        using var workflow = await admin.PostAsync(new Uri("/api/workflows", UriKind.Relative), Json($$"""{"name": "{{padding}}"}"""));

        Assert.Contains("1048576", (await AssertProblemAsync(job, HttpStatusCode.RequestEntityTooLarge)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertProblemAsync(workflow, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Should_answer_404_for_an_unknown_job()
    {
        using var reader = api.ClientWith(ApiFactory.ReaderKey);
        var id = Guid.NewGuid();
        using var job = await reader.GetAsync(new Uri($"/api/jobs/{id}", UriKind.Relative));
        using var history = await reader.GetAsync(new Uri($"/api/jobs/{id}/history", UriKind.Relative));
        using var notAnId = await reader.GetAsync(new Uri("/api/jobs/not-a-job-id", UriKind.Relative));

        Assert.Contains(id.ToString(), (await AssertProblemAsync(job, HttpStatusCode.NotFound)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertProblemAsync(history, HttpStatusCode.NotFound);
        await AssertProblemAsync(notAnId, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/api/jobs?status=Sleeping", "status")]
    [InlineData("/api/jobs?limit=501", "limit")]
    [InlineData("/api/jobs?limit=ten", "limit")]
    [InlineData("/api/jobs?from=yesterday", "from")]
    [InlineData("/api/jobs?cursor=bm90LWEtY3Vyc29y", "cursor")]
    [InlineData("/api/tasks?status=3", "status")]
    [InlineData("/api/tasks?limit=0", "limit")]
    [InlineData("/api/tasks?cursor=bm90LWEtY3Vyc29y", "cursor")]
    [InlineData("/api/jobs?to=2026-13-45", "to")]
    [InlineData("/api/jobs?workflow=no-such-workflow-registered", "workflow")]
    [InlineData("/api/tasks?workflow=no-such-workflow-registered", "workflow")]
    [InlineData("/api/jobs?workflow=a%00b", "workflow")]
    [InlineData("/api/tasks?status=Running&queue=a%00b", "queue")]
    [InlineData("/api/tasks?workflow=%00", "workflow")]
    public async Task Should_answer_400_naming_an_invalid_filter(string path, string parameter)
    {
        using var reader = api.ClientWith(ApiFactory.ReaderKey);
        using var response = await reader.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(parameter, (await AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("parameter").GetString());
    }

    [Fact]
    public async Task Should_list_every_error_of_an_invalid_definition()
    {
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        using var response = await admin.PostAsync(new Uri("/api/workflows", UriKind.Relative), Json("""
            { "name": "broken", "tasks": [ { "id": "a" }, { "id": "a", "queue": "q" } ], "transitions": [ { "from": "workflow_start", "to": "zz" } ] }
            """));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").GetArrayLength() >= 2, problem.ToString());
    }
}
