using System.Net;
using System.Text.Json;
using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;
using static QueueFlow.IntegrationTests.Api.ApiCalls;
using static QueueFlow.IntegrationTests.Api.JobRoutes;

namespace QueueFlow.IntegrationTests.Api;

/// <summary>
/// <c>status=A,B</c> and repeated <c>status=</c> mean "any of these" on every list with a status filter, <c>sort=newest</c>
/// walks the jobs newest first with its own cursors, and a task's error is on the task lists.
/// </summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_jobs_are_listed_by_several_statuses(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Should_return_the_jobs_and_tasks_in_any_of_the_statuses_given()
    {
        var (name, running, paused, cancelled, failed) = await FourJobsAsync("api-statuses");
        using var reader = api.ClientWith(ApiFactory.ReaderKey);

        Assert.Equal(Ids(running, paused), await JobIdsAsync(reader, $"/api/jobs?workflow={name}&status=Running,Paused"));
        Assert.Equal(Ids(running, paused), await JobIdsAsync(reader, $"/api/jobs?workflow={name}&status=Running&status=Paused"));
        Assert.Equal(Ids(paused, cancelled, failed), await JobIdsAsync(reader, $"/api/jobs?workflow={name}&status=paused,Cancelled&status=Failed"));
        Assert.Equal(Ids(failed), await JobIdsAsync(reader, $"/api/jobs?workflow={name}&status=Failed"));

        var tasks = await ItemsAsync(reader, $"/api/tasks?workflow={name}&status=Failed,Cancelled");
        Assert.Equal(Ids(cancelled, failed), tasks.Select(t => t.GetProperty("jobId").GetGuid()).Order().ToList());
        var failedTask = tasks.Single(t => t.GetProperty("jobId").GetGuid() == failed);
        Assert.Equal("warehouse unreachable", failedTask.GetProperty("error").GetString());
        Assert.Equal("warehouse unreachable", TaskOf(await JobAsync(reader, failed), "t1").GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, TaskOf(await JobAsync(reader, running), "t1").GetProperty("error").ValueKind);

        foreach (var path in new[] { $"/api/jobs?status=Running,Bogus", "/api/jobs?status=1", "/api/tasks?status=Failed,", "/api/dead-letters?status=Pending,Nope" })
        {
            using var response = await reader.GetAsync(new Uri(path, UriKind.Relative));
            var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.Equal("status", problem.GetProperty("parameter").GetString());
        }
    }

    [Fact]
    public async Task Should_walk_newest_first_with_cursors_bound_to_the_sort()
    {
        var (name, running, paused, cancelled, failed) = await FourJobsAsync("api-newest");
        using var reader = api.ClientWith(ApiFactory.ReaderKey);

        var (newest, newestCursor) = await WalkAsync(reader, $"/api/jobs?workflow={name}&sort=newest&limit=1");
        var (oldest, _) = await WalkAsync(reader, $"/api/jobs?workflow={name}&sort=oldest&limit=3");
        var (byDefault, _) = await WalkAsync(reader, $"/api/jobs?workflow={name}");

        Assert.Equal([failed, cancelled, paused, running], newest);
        Assert.Equal([running, paused, cancelled, failed], oldest);
        Assert.Equal(oldest, byDefault);

        using var otherSort = await reader.GetAsync(new Uri($"/api/jobs?workflow={name}&limit=1&cursor={Uri.EscapeDataString(newestCursor!)}", UriKind.Relative));
        Assert.Contains("another list or filter", (await AssertProblemAsync(otherSort, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var badSort = await reader.GetAsync(new Uri($"/api/jobs?sort=sideways", UriKind.Relative));
        Assert.Equal("sort", (await AssertProblemAsync(badSort, HttpStatusCode.BadRequest)).GetProperty("parameter").GetString());
    }

    /// <summary>Four jobs of one new workflow, started in this order: one Running, one Paused, one Cancelled, one Failed.</summary>
    async Task<(string Name, Guid Running, Guid Paused, Guid Cancelled, Guid Failed)> FourJobsAsync(string workflow)
    {
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        var name = await RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique(workflow), 1));
        var ids = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await ApiCalls.StartAsync(admin, $$"""{"workflow":"{{name}}"}"""));
            await TaskWhenAsync(admin, ids[^1], "t1", "Running");
        }

        await PostOkAsync(admin, $"/api/jobs/{ids[1]}/pause");
        await PostOkAsync(admin, $"/api/jobs/{ids[2]}/cancel");
        var attempt = (await TaskWhenAsync(admin, ids[3], "t1", "Running")).GetProperty("attemptId").GetGuid();
        Assert.Equal(CommandStatus.Accepted, (await SendAsync(api, new FailTask { JobId = ids[3], TaskId = "t1", AttemptId = attempt, Error = "warehouse unreachable", Terminal = true })).Status);
        await JobWhenAsync(admin, ids[3], "Failed");
        await JobWhenAsync(admin, ids[1], "Paused");
        await JobWhenAsync(admin, ids[2], "Cancelled");
        return (name, ids[0], ids[1], ids[2], ids[3]);
    }

    static List<Guid> Ids(params Guid[] ids) => [.. ids.Order()];

    static async Task<List<Guid>> JobIdsAsync(HttpClient client, string path) =>
        [.. (await ItemsAsync(client, path)).Select(j => j.GetProperty("id").GetGuid()).Order()];

    static async Task<List<JsonElement>> ItemsAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {await response.Content.ReadAsStringAsync()}");
        return [.. (await BodyAsync(response)).GetProperty("items").EnumerateArray()];
    }

    /// <summary>Every job of the list in the order it gives them, and the first page's cursor.</summary>
    static async Task<(List<Guid> Ids, string? FirstCursor)> WalkAsync(HttpClient client, string first)
    {
        var ids = new List<Guid>();
        string? cursor = null, firstCursor = null;
        do
        {
            var path = cursor is null ? first : $"{first}&cursor={Uri.EscapeDataString(cursor)}";
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            var page = await BodyAsync(response);
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("nextCursor").GetString();
            firstCursor ??= cursor;
        }
        while (cursor is not null && ids.Count < 100);

        return (ids, firstCursor);
    }
}
