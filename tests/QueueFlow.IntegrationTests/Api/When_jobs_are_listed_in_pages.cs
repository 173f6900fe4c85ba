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
