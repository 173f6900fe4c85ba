using System.Net;
using System.Text.Json;
using QueueFlow.IntegrationTests.Infrastructure;
using static QueueFlow.IntegrationTests.Api.ApiCalls;

namespace QueueFlow.IntegrationTests.Api;

/// <summary>POST /api/jobs/cancel with a filter: the open jobs it matches, a bounded number per request, each cancelled by the saga.</summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_jobs_are_cancelled_by_filter(ApiFactory api) : IClassFixture<ApiFactory>
{
    static readonly Uri CancelRoute = new("/api/jobs/cancel", UriKind.Relative);

    [Fact]
    public async Task Should_cancel_every_open_job_of_the_filter_in_steps_and_leave_the_others()
    {
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var name = await RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique("api-cancel-filter"), 2));
        var other = await RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique("api-cancel-filter-other"), 2));
        var jobs = new List<Guid>();
        for (var i = 0; i < 5; i++)
            jobs.Add(await StartAsync(@operator, $$"""{"workflow":"{{name}}"}"""));
        var bystander = await StartAsync(@operator, $$"""{"workflow":"{{other}}"}""");
        await PostAsync(@operator, $"/api/jobs/{jobs[0]}/cancel", null);
        await PostAsync(@operator, $"/api/jobs/{jobs[1]}/pause", null);

        var first = await PostAsync(@operator, "/api/jobs/cancel", JsonSerializer.Serialize(new { filter = new { workflow = name }, limit = 3, reason = "clean-up" }));
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await PostAsync(@operator, "/api/jobs/cancel", JsonSerializer.Serialize(new { filter = new { workflow = name }, limit = 3, cursor }));

        Assert.Equal((3, 3), (first.GetProperty("matched").GetInt32(), first.GetProperty("cancelled").GetInt32()));
        Assert.NotNull(cursor);
        Assert.Equal((1, 1), (second.GetProperty("matched").GetInt32(), second.GetProperty("cancelled").GetInt32()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);

        // Paused before Running (the walk is by status, then creation), and never the job that was already finished.
        var taken = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).ToList();
        Assert.Equal([jobs[1], jobs[2], jobs[3], jobs[4]], taken.Select(i => i.GetProperty("id").GetGuid()));
        Assert.All(taken, i => Assert.Equal(("Accepted", "Cancelled"), (i.GetProperty("status").GetString(), i.GetProperty("jobStatus").GetString())));
        foreach (var id in jobs)
            Assert.Equal("Cancelled", (await JobAsync(@operator, id)).GetProperty("status").GetString());
        Assert.Equal("Running", (await JobAsync(@operator, bystander)).GetProperty("status").GetString());

        var nothingLeft = await PostAsync(@operator, "/api/jobs/cancel", JsonSerializer.Serialize(new { filter = new { workflow = name, status = "Running" } }));
        Assert.Equal(0, nothingLeft.GetProperty("matched").GetInt32());
        Assert.Equal(JsonValueKind.Null, nothingLeft.GetProperty("nextCursor").ValueKind);
    }

    [Theory]
    [InlineData("""{"filter":{"status":"Completed"}}""", "$.filter.status", "Running or Paused")]
    [InlineData("""{"filter":{"status":"Sleeping"}}""", "$.filter.status", "JobStatus")]
    [InlineData("""{"filter":{"from":5}}""", "$.filter.from", "Invalid value")]
    [InlineData("""{"filter":{"workflw":"x"}}""", "$.filter", "workflw")]
    [InlineData("""{"filter":{"workflow":"no-such-workflow-registered"}}""", "$.filter.workflow", "no-such-workflow-registered")]
    [InlineData("""{"filter":{"from":"2026-02-01T00:00:00Z","to":"2026-01-01T00:00:00Z"}}""", "$.filter.to", "later")]
    [InlineData("""{"filter":{},"limit":0}""", "$.limit", "1 to 1000")]
    [InlineData("""{"filter":{},"limit":1001}""", "$.limit", "1 to 1000")]
    [InlineData("""{"filter":{},"cursor":"bm90LWEtY3Vyc29y"}""", "$.cursor", "nextCursor")]
    [InlineData("""{"filter":{},"ids":[]}""", "$", "not both")]
    [InlineData("""{"reason":"none"}""", "$", "neither")]
    [InlineData("""{"ids":["00000000-0000-0000-0000-000000000001"],"limit":5}""", "$.limit", "with a filter")]
    public async Task Should_answer_400_naming_what_is_wrong(string body, string path, string detail)
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);

        using var response = await @operator.PostAsync(CancelRoute, Json(body));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.StartsWith(path, problem.GetProperty("path").GetString(), StringComparison.Ordinal);
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_forbid_a_reader()
    {
        using var reader = api.ClientWith(ApiFactory.ReaderKey);

        using var response = await reader.PostAsync(CancelRoute, Json("""{"filter":{}}"""));

        await AssertProblemAsync(response, HttpStatusCode.Forbidden);
    }

    static async Task<JsonElement> PostAsync(HttpClient client, string route, string? body)
    {
        using var response = await client.PostAsync(new Uri(route, UriKind.Relative), body is null ? null : Json(body));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {route}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await BodyAsync(response);
    }

    static async Task<JsonElement> JobAsync(HttpClient client, Guid id)
    {
        using var response = await client.GetAsync(new Uri($"/api/jobs/{id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await BodyAsync(response);
    }
}
