using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;
using static QueueFlow.IntegrationTests.Api.ApiCalls;
using static QueueFlow.IntegrationTests.Api.JobRoutes;

namespace QueueFlow.IntegrationTests.Api;

/// <summary><c>GET /api/stats</c> against the real services: the database's counts, the broker's backlog, the last hour's failures.</summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_stats_are_read(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Should_count_jobs_and_tasks_per_workflow_and_queue_with_the_queue_backlog_and_the_failures_of_this_minute()
    {
        var (name, _) = await ThreeJobsOneFailedAsync(api, "api-stats");
        using var reader = api.ClientWith(ApiFactory.ReaderKey);

        // Nothing consumes the test's task queue: its three RunTask messages wait there (the management API refreshes every few seconds).
        var stats = await Eventually.Until(() => StatsAsync(reader), s => Queue(s, name).GetProperty("backlog") is { ValueKind: JsonValueKind.Object } b
            && b.GetProperty("ready").GetInt64() == 3, "the task queue's backlog to show 3 ready messages");

        Assert.Equal(Enum.GetNames<JobStatus>().Order(), stats.GetProperty("jobs").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(Enum.GetNames<TaskRunStatus>().Order(), stats.GetProperty("tasks").EnumerateObject().Select(p => p.Name).Order());
        var workflow = stats.GetProperty("workflows").EnumerateArray().Single(w => w.GetProperty("workflow").GetString() == name).GetProperty("jobs");
        Assert.Equal((2, 1, 0), (workflow.GetProperty("Running").GetInt32(), workflow.GetProperty("Failed").GetInt32(), workflow.GetProperty("Completed").GetInt32()));
        var queue = Queue(stats, name);
        Assert.Equal((2, 1), (queue.GetProperty("tasks").GetProperty("Running").GetInt32(), queue.GetProperty("tasks").GetProperty("Failed").GetInt32()));
        Assert.Equal((0, 0), (queue.GetProperty("backlog").GetProperty("unacknowledged").GetInt64(), queue.GetProperty("backlog").GetProperty("consumers").GetInt32()));

        var series = stats.GetProperty("throughput").EnumerateArray().ToList();
        Assert.Equal(60, series.Count);
        var minutes = series.Select(m => m.GetProperty("minute").GetDateTimeOffset()).ToList();
        Assert.All(minutes.Zip(minutes.Skip(1)), pair => Assert.Equal(TimeSpan.FromMinutes(1), pair.Second - pair.First));
        Assert.True(series.Sum(m => m.GetProperty("failed").GetInt32()) >= 1, "the failure just recorded is in the last hour's series");
        Assert.True(stats.GetProperty("at").GetDateTimeOffset() - minutes[^1] < TimeSpan.FromMinutes(1), "the series ends with the minute in progress");

        using var anonymous = api.ClientWith(null);
        using var refused = await anonymous.GetAsync(new Uri("/api/stats", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Should_answer_with_the_backlog_unknown_when_the_broker_cannot_be_read()
    {
        // Port 9 (discard) has no management API: the backlog read fails fast, the database's figures still answer.
        using var blind = new ApiFactory { ConfigureExtra = web => web.UseSetting("RabbitMq:ManagementPort", "9") };
        var (name, _) = await ThreeJobsOneFailedAsync(blind, "api-stats-blind");
        using var reader = blind.ClientWith(ApiFactory.ReaderKey);

        var stats = await StatsAsync(reader);
        var overview = await BodyAsync(await reader.GetAsync(new Uri("/api/overview", UriKind.Relative)));

        Assert.Equal(JsonValueKind.Null, Queue(stats, name).GetProperty("backlog").ValueKind);
        Assert.Equal(2, Queue(stats, name).GetProperty("tasks").GetProperty("Running").GetInt32());
        Assert.Equal(JsonValueKind.Null, Queue(overview, name).GetProperty("backlog").ValueKind);
    }

    [Fact]
    public async Task Should_list_the_longest_running_tasks_oldest_first_on_the_overview()
    {
        var (name, _) = await ThreeJobsOneFailedAsync(api, "api-overview-oldest");
        using var reader = api.ClientWith(ApiFactory.ReaderKey);

        var overview = await BodyAsync(await reader.GetAsync(new Uri("/api/overview", UriKind.Relative)));

        // Running tasks of earlier tests may be older than this test's two: the list is the ten longest, whoever's.
        var oldest = overview.GetProperty("oldestRunningTasks").EnumerateArray().ToList();
        Assert.InRange(oldest.Count, 1, 10);
        var starts = oldest.Select(t => t.GetProperty("startedAt").GetDateTimeOffset()).ToList();
        Assert.Equal(starts.Order(), starts);
        var first = overview.GetProperty("oldestRunningTask");
        Assert.Equal((first.GetProperty("jobId").GetGuid(), first.GetProperty("taskId").GetString()), (oldest[0].GetProperty("jobId").GetGuid(), oldest[0].GetProperty("taskId").GetString()));
        // Fewer than ten running in the whole database: this test's two (nothing consumes their queue) must be there.
        if (oldest.Count < 10)
            Assert.Equal(2, oldest.Count(t => t.GetProperty("queue").GetString() == name));
    }

    static JsonElement Queue(JsonElement stats, string queue) =>
        stats.GetProperty("queues").EnumerateArray().Single(q => q.GetProperty("queue").GetString() == queue);

    static async Task<JsonElement> StatsAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/api/stats", UriKind.Relative));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await BodyAsync(response);
    }

    /// <summary>Three jobs of a new one-task workflow (its queue is named after it); the third job's task fails for good.</summary>
    internal static async Task<(string Name, Guid Failed)> ThreeJobsOneFailedAsync(ApiFactory host, string workflow)
    {
        using var admin = host.ClientWith(ApiFactory.AdminKey);
        var name = await RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique(workflow), 1));
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
            ids.Add(await ApiCalls.StartAsync(admin, $$"""{"workflow":"{{name}}"}"""));
        var attempt = (await TaskWhenAsync(admin, ids[2], "t1", "Running")).GetProperty("attemptId").GetGuid();
        Assert.Equal(CommandStatus.Accepted, (await SendAsync(host, new FailTask { JobId = ids[2], TaskId = "t1", AttemptId = attempt, Error = "out of stock", Terminal = true })).Status);
        await JobWhenAsync(admin, ids[2], "Failed");
        await TaskWhenAsync(admin, ids[1], "t1", "Running");
        await TaskWhenAsync(admin, ids[0], "t1", "Running");
        return (name, ids[2]);
    }
}
