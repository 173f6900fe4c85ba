using System.Net;
using System.Text.Json;
using QueueFlow.IntegrationTests.Infrastructure;
using static QueueFlow.IntegrationTests.Api.ApiCalls;

namespace QueueFlow.IntegrationTests.Api;

/// <summary>POST /api/jobs with an Idempotency-Key: one job per key and request, a different request under a used key refused.</summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_job_is_started_with_an_idempotency_key(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Should_refuse_the_same_key_with_a_different_body_with_422()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var name = await RegisterChainAsync("api-key-mismatch");
        var key = Guid.NewGuid().ToString();
        var first = await StartAsync(@operator, $$$"""{"workflow":"{{{name}}}","variables":{"a":1}}""", key);

        using var response = await SendAsync(@operator, $$$"""{"workflow":"{{{name}}}","variables":{"a":2}}""", key);

        var problem = await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal(first, problem.GetProperty("jobId").GetGuid());
        Assert.Contains(key, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await CountJobsAsync(name));
    }

    [Fact]
    public async Task Should_take_a_retry_written_differently_as_the_same_request()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var name = await RegisterChainAsync("api-key-reformatted");
        var key = Guid.NewGuid().ToString();

        var first = await StartAsync(@operator, $$$"""{"workflow":"{{{name}}}","variables":{"a":1,"b":[1,2]}}""", key);
        var retry = await StartAsync(@operator, $$$"""{ "variables": { "b": [1, 2], "a": 1 }, "workflow": "{{{name}}}" }""", key, HttpStatusCode.OK);

        Assert.Equal(first, retry);
    }

    [Fact]
    public async Task Should_start_one_job_for_concurrent_requests_with_one_key()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var name = await RegisterChainAsync("api-key-concurrent");
        var key = Guid.NewGuid().ToString();
        var body = $$"""{"workflow":"{{name}}"}""";

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => SendAsync(@operator, body, key)));
        try
        {
            var answers = await Task.WhenAll(responses.Select(async r => (r.StatusCode, Id: (await BodyAsync(r)).GetProperty("id").GetGuid())));

            Assert.Single(answers.Select(a => a.Id).Distinct());
            Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
            Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.OK }));
            Assert.Equal(1, await CountJobsAsync(name));
        }
        finally
        {
            foreach (var response in responses)
                response.Dispose();
        }
    }

    async Task<string> RegisterChainAsync(string prefix)
    {
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        return await RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique(prefix), 1));
    }

    async Task<int> CountJobsAsync(string workflow)
    {
        using var reader = api.ClientWith(ApiFactory.ReaderKey);
        using var response = await reader.GetAsync(new Uri($"/api/jobs?workflow={workflow}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await BodyAsync(response)).GetProperty("items").GetArrayLength();
    }

    static Task<HttpResponseMessage> SendAsync(HttpClient client, string body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/jobs", UriKind.Relative)) { Content = Json(body) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }
}
