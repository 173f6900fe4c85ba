using System.Net;
using QueueFlow.IntegrationTests.Infrastructure;
using static QueueFlow.IntegrationTests.Api.ApiCalls;

namespace QueueFlow.IntegrationTests.Api;

[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_caller_presents_an_api_key(ApiFactory api) : IClassFixture<ApiFactory>
{
    static readonly Uri Jobs = new("/api/jobs", UriKind.Relative);
    static readonly Uri WorkflowRoute = new("/api/workflows", UriKind.Relative);

    [Fact]
    public async Task Should_answer_401_without_a_key_or_with_an_unknown_one()
    {
        using var anonymous = api.ClientWith(null);
        using var wrong = api.ClientWith("not-a-configured-key-at-all");

        using var withoutKey = await anonymous.GetAsync(Jobs);
        using var withWrongKey = await wrong.GetAsync(Jobs);
        using var documentWithoutKey = await anonymous.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        Assert.Contains("X-Api-Key", (await AssertProblemAsync(withoutKey, HttpStatusCode.Unauthorized)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertProblemAsync(withWrongKey, HttpStatusCode.Unauthorized);
        await AssertProblemAsync(documentWithoutKey, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Should_serve_health_without_a_key()
    {
        using var anonymous = api.ClientWith(null);
        using var response = await anonymous.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Should_let_a_reader_only_read()
    {
        using var reader = api.ClientWith(ApiFactory.ReaderKey);

        using var list = await reader.GetAsync(Jobs);
        using var tasks = await reader.GetAsync(new Uri("/api/tasks", UriKind.Relative));
        using var openApi = await reader.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        using var start = await reader.PostAsync(Jobs, Json("""{"workflow":"anything"}"""));
        using var register = await reader.PostAsync(WorkflowRoute, Json("{}"));

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(HttpStatusCode.OK, tasks.StatusCode);
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        Assert.Contains("/api/jobs", await openApi.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("reader", (await AssertProblemAsync(start, HttpStatusCode.Forbidden)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertProblemAsync(register, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Should_let_an_operator_start_jobs_but_not_register_workflows()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);

        using var list = await @operator.GetAsync(Jobs);
        using var register = await @operator.PostAsync(WorkflowRoute, Json("{}"));

        // Past authorization: an unknown workflow is the saga's rejection, not a 403.
        using var start = await @operator.PostAsync(Jobs, Json($$"""{"workflow":"{{QueueFlowFixture.Unique("no-such-workflow")}}"}"""));

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        await AssertProblemAsync(register, HttpStatusCode.Forbidden);
        var problem = await AssertProblemAsync(start, HttpStatusCode.Conflict);
        Assert.Equal("Rejected", problem.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Should_let_an_admin_do_everything()
    {
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        var name = await RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique("api-admin"), 1));

        var id = await StartAsync(admin, $$"""{"workflow":"{{name}}"}""");
        using var read = await admin.GetAsync(new Uri($"/api/jobs/{id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("test-admin", (await BodyAsync(read)).GetProperty("owner").GetString());
    }
}
