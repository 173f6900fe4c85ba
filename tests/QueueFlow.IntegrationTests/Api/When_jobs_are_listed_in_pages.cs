using System.Net;
using System.Text.Json;
using QueueFlow.IntegrationTests.Infrastructure;
using static QueueFlow.IntegrationTests.Api.ApiCalls;

namespace QueueFlow.IntegrationTests.Api;

[Collection(SharedWorkerGroup.Name)]
public sealed class When_jobs_are_listed_in_pages(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Should_return_every_job_and_task_exactly_once_across_pages()
    {
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        using var reader = api.ClientWith(ApiFactory.ReaderKey);
        var name = await RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique("api-paging"), 2));
        var started = new List<Guid>();
        for (var i = 0; i < 7; i++)
            started.Add(await StartAsync(admin, $$"""{"workflow":"{{name}}"}"""));

        var jobs = await ReadAllAsync(reader, $"/api/jobs?workflow={name}&limit=3");
        var tasks = await ReadAllAsync(reader, $"/api/tasks?workflow={name}&limit=4");

        Assert.Equal(started.Order(), jobs.Items.Select(j => j.GetProperty("id").GetGuid()).Order());
        Assert.Equal(3, jobs.Pages);
        var taskKeys = tasks.Items.Select(t => (t.GetProperty("jobId").GetGuid(), t.GetProperty("taskId").GetString())).ToList();
        Assert.Equal(14, taskKeys.Count);
        Assert.Equal(14, taskKeys.Distinct().Count());
    }

    [Fact]
    public async Task Should_filter_by_status_and_time()
    {
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        var name = await RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique("api-filter"), 1));
        var before = DateTimeOffset.UtcNow.AddMinutes(-1);
        var id = await StartAsync(admin, $$"""{"workflow":"{{name}}"}""");

        var running = await ReadAllAsync(admin, $"/api/jobs?workflow={name}&status=running&from={Uri.EscapeDataString(before.ToString("O"))}");
        var completed = await ReadAllAsync(admin, $"/api/jobs?workflow={name}&status=Completed");
        var earlier = await ReadAllAsync(admin, $"/api/jobs?workflow={name}&to={Uri.EscapeDataString(before.ToString("O"))}");

        Assert.Equal(id, Assert.Single(running.Items).GetProperty("id").GetGuid());
        Assert.Empty(completed.Items);
        Assert.Empty(earlier.Items);
    }

    [Fact]
    public async Task Should_refuse_a_cursor_taken_under_another_filter_naming_the_cursor()
    {
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        var name = await RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique("api-cursor-scope"), 1));
        await StartAsync(admin, $$"""{"workflow":"{{name}}"}""");
        await StartAsync(admin, $$"""{"workflow":"{{name}}"}""");
        var jobsCursor = await FirstCursorAsync(admin, $"/api/jobs?workflow={name}&limit=1");
        var tasksCursor = await FirstCursorAsync(admin, $"/api/tasks?workflow={name}&limit=1");

        foreach (var path in new[]
        {
            $"/api/jobs?workflow={name}&status=Failed&limit=1&cursor={jobsCursor}",
            $"/api/jobs?limit=1&cursor={jobsCursor}",
            $"/api/tasks?workflow={name}&status=Running&limit=1&cursor={tasksCursor}",
            $"/api/tasks?limit=1&cursor={jobsCursor}",
        })
        {
            using var response = await admin.GetAsync(new Uri(path, UriKind.Relative));
            var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.Equal("cursor", problem.GetProperty("parameter").GetString());
            Assert.Contains("another list or filter", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using var same = await admin.GetAsync(new Uri($"/api/jobs?workflow={name}&limit=1&cursor={jobsCursor}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
    }

    static async Task<string> FirstCursorAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var page = await BodyAsync(response);
        return Uri.EscapeDataString(page.GetProperty("nextCursor").GetString()!);
    }

    static async Task<(List<JsonElement> Items, int Pages)> ReadAllAsync(HttpClient client, string first)
    {
        var items = new List<JsonElement>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var path = cursor is null ? first : $"{first}&cursor={Uri.EscapeDataString(cursor)}";
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            var page = await BodyAsync(response);
            items.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 100);

        return (items, pages);
    }
}
