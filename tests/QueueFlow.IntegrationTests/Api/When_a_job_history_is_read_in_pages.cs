using System.Net;
using System.Text.Json;
using QueueFlow.IntegrationTests.Infrastructure;
using static QueueFlow.IntegrationTests.Api.ApiCalls;

namespace QueueFlow.IntegrationTests.Api;

/// <summary>GET /api/jobs/{id}/history a page at a time, from a cursor or from a sequence number.</summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_job_history_is_read_in_pages(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Should_return_every_row_once_in_sequence_order()
    {
        var (reader, id) = await JobWithHistoryAsync();
        using var _ = reader;

        var sequences = new List<int>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = await GetAsync(reader, $"/api/jobs/{id}/history?limit=2" + (cursor is null ? string.Empty : $"&cursor={Uri.EscapeDataString(cursor)}"));
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.InRange(items.Count, 1, 2);
            sequences.AddRange(items.Select(i => i.GetProperty("sequence").GetInt32()));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 100);

        Assert.True(sequences.Count >= 7, $"expected the start and three pauses and resumes, got {sequences.Count} rows");
        Assert.Equal(Enumerable.Range(1, sequences.Count), sequences);
        Assert.Equal((sequences.Count + 1) / 2, pages);
    }

    [Fact]
    public async Task Should_start_after_a_sequence_number()
    {
        var (reader, id) = await JobWithHistoryAsync();
        using var _ = reader;

        var page = await GetAsync(reader, $"/api/jobs/{id}/history?after=3&limit=2");
        var all = await GetAsync(reader, $"/api/jobs/{id}/history?limit=500");
        var past = await GetAsync(reader, $"/api/jobs/{id}/history?after=1000");

        Assert.Equal([4, 5], page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("sequence").GetInt32()));
        Assert.Equal(JsonValueKind.String, page.GetProperty("nextCursor").ValueKind);
        Assert.Equal(JsonValueKind.Null, all.GetProperty("nextCursor").ValueKind);
        Assert.Empty(past.GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("after=-1", "after")]
    [InlineData("after=four", "after")]
    [InlineData("after=1&cursor=MQ", "after")]
    [InlineData("cursor=bm90LWEtY3Vyc29y", "cursor")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    public async Task Should_answer_400_naming_an_invalid_parameter(string query, string parameter)
    {
        var (reader, id) = await JobWithHistoryAsync(pauses: 0);
        using var _ = reader;

        using var response = await reader.GetAsync(new Uri($"/api/jobs/{id}/history?{query}", UriKind.Relative));

        Assert.Equal(parameter, (await AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("parameter").GetString());
    }

    /// <summary>A running job whose history has the start and <paramref name="pauses"/> pauses and resumes.</summary>
    async Task<(HttpClient Reader, Guid Id)> JobWithHistoryAsync(int pauses = 3)
    {
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        var name = await RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique("api-history"), 1));
        var id = await StartAsync(admin, $$"""{"workflow":"{{name}}"}""");
        for (var i = 0; i < pauses; i++)
        {
            using var pause = await admin.PostAsync(new Uri($"/api/jobs/{id}/pause", UriKind.Relative), null);
            using var resume = await admin.PostAsync(new Uri($"/api/jobs/{id}/resume", UriKind.Relative), null);
            Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (pause.StatusCode, resume.StatusCode));
        }

        return (api.ClientWith(ApiFactory.ReaderKey), id);
    }

    static async Task<JsonElement> GetAsync(HttpClient client, string route)
    {
        using var response = await client.GetAsync(new Uri(route, UriKind.Relative));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {route}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await BodyAsync(response);
    }
}
