using System.Globalization;
using System.Net;
using System.Text.Json;
using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Hosting;
using QueueFlow.IntegrationTests.Infrastructure;
using static QueueFlow.IntegrationTests.Api.ApiCalls;
using static QueueFlow.IntegrationTests.Api.JobRoutes;

namespace QueueFlow.IntegrationTests.Api.Events;

/// <summary>
/// <c>GET /api/events</c> over real HTTP (a worker process behind Kestrel, as a browser meets it) on the real services:
/// live changes, a resume with Last-Event-ID, filters, keep-alives, access.
/// </summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_job_changes_are_streamed(ApiFactory api, QueueFlowFixture fixture) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Should_send_a_jobs_changes_live_and_resume_after_the_last_event_id()
    {
        await using var worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Api__Keys__events-reader__Key"] = ApiFactory.ReaderKey,
            ["Api__Keys__events-reader__Role"] = "reader",
            ["Api__Keys__events-admin__Key"] = ApiFactory.AdminKey,
            ["Api__Keys__events-admin__Role"] = "admin",
            ["Api__Events__KeepAliveInterval"] = "00:00:00.300",
        });
        using var admin = Client(worker, ApiFactory.AdminKey);
        using var reader = Client(worker, ApiFactory.ReaderKey);
        var name = await RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique("api-events"), 1));
        await using var everything = await EventSourceClient.OpenAsync(reader, $"/api/events?workflow={name}");
        await using var quiet = await EventSourceClient.OpenAsync(reader, $"/api/events?jobId={Guid.NewGuid()}");

        var id = await ApiCalls.StartAsync(admin, $$"""{"workflow":"{{name}}"}""");
        var attempt = await Eventually.Until(async () => TaskOf(await JobAsync(admin, id), "t1"), t => t.GetProperty("status").GetString() == "Running", "t1 to run");
        Assert.Equal(CommandStatus.Accepted, (await fixture.SendAsync(new FailTask { JobId = id, TaskId = "t1", AttemptId = attempt.GetProperty("attemptId").GetGuid(), Error = "no stock", Terminal = true })).Status);
        var live = await everything.EventsUntilAsync(IsJobFailed);

        Assert.Equal(["job:Running", "task:Running", "task:Failed", "job:Failed"], live.Select(e => $"{e.Event}:{e.Data!.Value.GetProperty("status").GetString()}"));
        Assert.All(live, e => Assert.Equal(id, e.Data!.Value.GetProperty("jobId").GetGuid()));
        Assert.All(live, e => Assert.Equal(name, e.Data!.Value.GetProperty("workflow").GetString()));
        Assert.Equal("TaskFailed", live[2].Data!.Value.GetProperty("kind").GetString());
        Assert.Equal("t1", live[2].Data!.Value.GetProperty("taskId").GetString());
        var ids = live.Select(e => long.Parse(e.Id!, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());

        // A reconnect after the second event gets the rest, nothing twice; a status filter keeps only those changes.
        await using var resumed = await EventSourceClient.OpenAsync(reader, $"/api/events?jobId={id}", lastEventId: live[1].Id);
        Assert.Equal(live.Skip(2).Select(e => e.Id), (await resumed.EventsUntilAsync(IsJobFailed)).Select(e => e.Id));
        await using var failures = await EventSourceClient.OpenAsync(reader, $"/api/events?jobId={id}&status=Failed,Completed&lastEventId={ids[0] - 1}");
        Assert.Equal(["task", "job"], (await failures.EventsUntilAsync(IsJobFailed)).Select(e => e.Event));

        // A stream with nothing to send stays open with comments, so proxies do not close it.
        Assert.Equal("connected", (await quiet.NextAsync()).Comment);
        Assert.Equal("keep-alive", (await quiet.NextAsync()).Comment);
    }

    [Fact]
    public async Task Should_refuse_a_caller_without_a_key_and_bad_parameters()
    {
        using var anonymous = api.ClientWith(null);
        using var refused = await anonymous.GetAsync(new Uri("/api/events", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        using var reader = api.ClientWith(ApiFactory.ReaderKey);
        foreach (var (path, parameter) in new[] { ("/api/events?status=Running,Lost", "status"), ("/api/events?jobId=42", "jobId"), ("/api/events?lastEventId=-1", "lastEventId") })
        {
            using var response = await reader.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(parameter, (await AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("parameter").GetString());
        }
    }

    static HttpClient Client(WorkerProcess worker, string key)
    {
        var client = new HttpClient { BaseAddress = worker.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    static bool IsJobFailed(SseMessage e) => e.Event == "job" && e.Data!.Value.GetProperty("status").GetString() == "Failed";
}
