using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;
using QueueFlow.IntegrationTests.Lifecycle;
using static QueueFlow.IntegrationTests.Api.ApiCalls;
using static QueueFlow.IntegrationTests.Api.Seeds.SeedCalls;

namespace QueueFlow.IntegrationTests.Api;

/// <summary>
/// HTTP Basic with an API key as the password, as Itential Operations Manager's clients and Camunda's own client
/// (its Basic strategy) send it, on every route beside X-Api-Key and Bearer.
/// </summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_caller_presents_basic_credentials(ApiFactory api, QueueFlowFixture fixture) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Should_take_the_password_as_the_api_key_whatever_the_username()
    {
        using var reader = BasicClient(api, "dashboard", ApiFactory.ReaderKey);
        using var noUsername = BasicClient(api, string.Empty, ApiFactory.ReaderKey);
        using var readerStarting = BasicClient(api, "someone", ApiFactory.ReaderKey);

        using var list = await reader.GetAsync(new Uri("/api/jobs", UriKind.Relative));
        using var listWithoutUsername = await noUsername.GetAsync(new Uri("/api/tasks", UriKind.Relative));
        using var start = await readerStarting.PostAsync(new Uri("/api/jobs", UriKind.Relative), Json("""{"workflow":"anything"}"""));

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(HttpStatusCode.OK, listWithoutUsername.StatusCode);
        await AssertProblemAsync(start, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Should_let_camundas_client_complete_a_job_with_its_basic_strategy()
    {
        var scenario = $"basic-camunda-{Guid.NewGuid().ToString("N")[..8]}";
        var name = QueueFlowFixture.Unique(scenario);
        var worker = await PlainJsonWorker.StartAsync(fixture, scenario, name);
        await worker.RegisterAsync(Workflows.Chain(name, 1));
        var jobId = await worker.StartJobAsync(name);
        var run = (await worker.RunOfAsync("t1", 1)).Run;
        using var camunda = BasicClient(api, "zeebe-worker", ApiFactory.OperatorKey);

        using var response = await PostAsync(camunda, $"/v2/jobs/{JobKeyOf(run)}/completion", """{ "variables": { "approved": true } }""");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var job = await fixture.WaitForJobAsync(jobId, JobStatus.Completed);
        Assert.Equal("test-operator", job.Tasks.Single(t => t.TaskId == "t1").FindAttempt(AttemptIdOf(run))!.Owner);
    }

    [Theory]
    [InlineData("not base64 at all")]
    [InlineData("bm8tY29sb24taGVyZQ==")]
    [InlineData("dXNlcjo=")]
    public async Task Should_answer_401_to_unreadable_basic_credentials_and_challenge_for_both_schemes(string encoded)
    {
        using var client = api.ClientWith(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", encoded);

        using var response = await client.GetAsync(new Uri("/api/jobs", UriKind.Relative));

        var problem = await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("username:password", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(["Basic", "Bearer"], response.Headers.WwwAuthenticate.Select(c => c.Scheme).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Should_never_log_the_key_of_a_failed_attempt()
    {
        var logs = new LogCapture();
        await using var logged = api.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddLogging(l =>
        {
            l.AddProvider(logs);
            l.AddFilter<LogCapture>(null, LogLevel.Trace);
        })));
        const string Wrong = "almost-the-operator-key-0123456789";
        using var basic = BasicClient(logged, "ops-user", Wrong);
        using var bearer = Client(logged, new AuthenticationHeaderValue("Bearer", Wrong + "-bearer"));
        using var header = Client(logged, null);
        header.DefaultRequestHeaders.Add("X-Api-Key", Wrong + "-header");

        using var viaBasic = await basic.GetAsync(new Uri("/api/jobs", UriKind.Relative));
        using var viaBearer = await bearer.GetAsync(new Uri("/api/jobs", UriKind.Relative));
        using var viaHeader = await header.GetAsync(new Uri("/api/jobs", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, viaBasic.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, viaBearer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, viaHeader.StatusCode);
        Assert.Contains(logs.Lines, l => l.Contains("ApiKey was not authenticated", StringComparison.Ordinal));
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes($"ops-user:{Wrong}"));
        Assert.DoesNotContain(logs.Lines, l => l.Contains(Wrong, StringComparison.Ordinal) || l.Contains(encoded, StringComparison.Ordinal));
    }

    static HttpClient BasicClient(WebApplicationFactory<Program> factory, string username, string key) =>
        Client(factory, new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{key}"))));

    static HttpClient Client(WebApplicationFactory<Program> factory, AuthenticationHeaderValue? authorization)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = authorization;
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }
}
