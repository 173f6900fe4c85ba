using System.Net;
using System.Text.Json;
using QueueFlow.IntegrationTests.Infrastructure;
using static QueueFlow.IntegrationTests.Api.ApiCalls;

namespace QueueFlow.IntegrationTests.Api;

/// <summary>GET /api/workflows, /api/workflows/{name} and /api/workflows/{name}/versions/{version}.</summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_workflows_are_read_back(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Should_return_each_version_as_registered_and_the_latest_by_name()
    {
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        using var reader = api.ClientWith(ApiFactory.ReaderKey);
        var name = QueueFlowFixture.Unique("api-read-back");
        var first = Workflows.Chain(name, 1);
        var second = Workflows.Chain(name, 2);

        using var registered = await admin.PostAsync(new Uri("/api/workflows", UriKind.Relative), Json(first));
        await RegisterAsync(admin, second);
        var latest = await GetAsync(reader, $"/api/workflows/{name}");
        var one = await GetAsync(reader, registered.Headers.Location!.OriginalString);

        Assert.Equal($"/api/workflows/{name}/versions/1", registered.Headers.Location.OriginalString);
        Assert.Equal((name, 2), (latest.GetProperty("name").GetString(), latest.GetProperty("version").GetInt32()));
        Assert.True(JsonElement.DeepEquals(JsonElement.Parse(second), latest.GetProperty("definition")), latest.ToString());
        Assert.Equal(1, one.GetProperty("version").GetInt32());
        Assert.True(JsonElement.DeepEquals(JsonElement.Parse(first), one.GetProperty("definition")), one.ToString());
        Assert.Equal(JsonValueKind.String, one.GetProperty("registeredAt").ValueKind);
    }

    [Fact]
    public async Task Should_list_every_name_once_with_its_versions_across_pages()
    {
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        using var reader = api.ClientWith(ApiFactory.ReaderKey);
        var names = new[] { QueueFlowFixture.Unique("api-list-a"), QueueFlowFixture.Unique("api-list-b") };
        await RegisterAsync(admin, Workflows.Chain(names[0], 1));
        await RegisterAsync(admin, Workflows.Chain(names[0], 2));
        await RegisterAsync(admin, Workflows.Chain(names[1], 1));

        var listed = new List<JsonElement>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await GetAsync(reader, "/api/workflows?limit=2" + (cursor is null ? string.Empty : $"&cursor={Uri.EscapeDataString(cursor)}"));
            listed.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 1000);

        var all = listed.Select(w => w.GetProperty("name").GetString()).ToList();
        Assert.Equal(all.Distinct().Count(), all.Count);
        Assert.Equal(all.Order(StringComparer.Ordinal), all);
        var a = listed.Single(w => w.GetProperty("name").GetString() == names[0]);
        Assert.Equal([1, 2], a.GetProperty("versions").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal(2, a.GetProperty("latestVersion").GetInt32());
        Assert.Contains(names[1], all);
    }

    [Fact]
    public async Task Should_answer_404_for_an_unknown_name_or_version()
    {
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        using var reader = api.ClientWith(ApiFactory.ReaderKey);
        var name = await RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique("api-read-404"), 1));
        var unknown = QueueFlowFixture.Unique("api-never-registered");

        using var noName = await reader.GetAsync(new Uri($"/api/workflows/{unknown}", UriKind.Relative));
        using var noNameVersion = await reader.GetAsync(new Uri($"/api/workflows/{unknown}/versions/1", UriKind.Relative));
        using var noVersion = await reader.GetAsync(new Uri($"/api/workflows/{name}/versions/7", UriKind.Relative));
        using var notANumber = await reader.GetAsync(new Uri($"/api/workflows/{name}/versions/latest", UriKind.Relative));

        Assert.Contains(unknown, (await AssertProblemAsync(noName, HttpStatusCode.NotFound)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains(unknown, (await AssertProblemAsync(noNameVersion, HttpStatusCode.NotFound)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("no version 7", (await AssertProblemAsync(noVersion, HttpStatusCode.NotFound)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("'latest'", (await AssertProblemAsync(notANumber, HttpStatusCode.NotFound)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/workflows?limit=0", "limit")]
    [InlineData("/api/workflows?cursor=%%%", "cursor")]
    public async Task Should_answer_400_naming_an_invalid_parameter(string path, string parameter)
    {
        using var reader = api.ClientWith(ApiFactory.ReaderKey);
        using var response = await reader.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(parameter, (await AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("parameter").GetString());
    }

    [Fact]
    public async Task Should_need_a_key()
    {
        using var anonymous = api.ClientWith(null);
        using var response = await anonymous.GetAsync(new Uri("/api/workflows", UriKind.Relative));
        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    static async Task<JsonElement> GetAsync(HttpClient client, string route)
    {
        using var response = await client.GetAsync(new Uri(route, UriKind.Relative));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {route}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await BodyAsync(response);
    }
}
