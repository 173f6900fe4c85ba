using System.Net;
using System.Text.Json;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;
using QueueFlow.IntegrationTests.Infrastructure;
using static QueueFlow.IntegrationTests.Api.JobRoutes;

namespace QueueFlow.IntegrationTests.Api;

/// <summary>Watchers over HTTP: a watcher's queue bound to the watch exchange by its name receives the job's state changes.</summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_job_is_watched_over_http(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Should_deliver_the_jobs_state_changes_to_the_watchers_bound_queue()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var watcher = QueueFlowFixture.Unique("watcher");
        await using var amqp = await RawAmqpClient.ConnectAsync();
        var queue = QueueFlowFixture.Unique("watch-queue");
        await amqp.BindAsync(queue, WatchDestination.Exchange, watcher);
        var received = await amqp.CollectAsync(queue);
        var id = await StartAsync(api, @operator, Workflows.Chain(QueueFlowFixture.Unique("api-watch"), 2));
        var t1 = await TaskWhenAsync(@operator, id, "t1", "Running");

        var watched = await PostOkAsync(@operator, $"/api/jobs/{id}/watch", $$"""{"watcher":"{{watcher}}"}""");
        Assert.Equal("Accepted", watched.GetProperty("status").GetString());
        Assert.Equal([watcher], (await JobAsync(@operator, id)).GetProperty("watchers").EnumerateArray().Select(w => w.GetString()));

        await SendAsync(api, new CompleteTask { JobId = id, TaskId = "t1", AttemptId = t1.GetProperty("attemptId").GetGuid() });
        await PostOkAsync(@operator, $"/api/jobs/{id}/pause");

        await Eventually.Until(() => Task.FromResult(received.ToList()), messages =>
            messages.Any(m => Is(m, id, "t1", "Completed")) && messages.Any(m => Is(m, id, "t2", "Running"))
            && messages.Any(m => m.TryGetProperty("to", out var to) && to.GetString() == "Paused" && !m.TryGetProperty("taskId", out _)),
            $"TaskStateChanged t1 Completed, t2 Running and JobStateChanged Paused on {queue}");
        Assert.All(received, m => Assert.Equal(id, m.GetProperty("jobId").GetGuid()));
    }

    [Fact]
    public async Task Should_watch_as_the_caller_by_default_and_unwatch()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var id = await StartAsync(api, @operator, Workflows.Chain(QueueFlowFixture.Unique("api-watch-self"), 2));

        await PostOkAsync(@operator, $"/api/jobs/{id}/watch");
        Assert.Equal(["test-operator"], (await JobAsync(@operator, id)).GetProperty("watchers").EnumerateArray().Select(w => w.GetString()));

        var unwatched = await PostOkAsync(@operator, $"/api/jobs/{id}/unwatch");
        Assert.False(unwatched.GetProperty("duplicate").GetBoolean());
        Assert.Empty((await JobAsync(@operator, id)).GetProperty("watchers").EnumerateArray());
        Assert.True((await PostOkAsync(@operator, $"/api/jobs/{id}/unwatch")).GetProperty("duplicate").GetBoolean());
    }

    [Fact]
    public async Task Should_answer_each_bad_request_with_its_problem()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var id = await StartAsync(api, @operator, Workflows.Chain(QueueFlowFixture.Unique("api-watch-bad"), 1));

        await PostProblemAsync(@operator, $"/api/jobs/{Guid.NewGuid()}/watch", null, HttpStatusCode.NotFound);
        var wrongType = await PostProblemAsync(@operator, $"/api/jobs/{id}/watch", """{"watcher":["a"]}""", HttpStatusCode.BadRequest);
        Assert.Equal("$.watcher", wrongType.GetProperty("path").GetString());
        var tooLong = await PostProblemAsync(@operator, $"/api/jobs/{id}/watch", JsonSerializer.Serialize(new { watcher = new string('w', 256) }), HttpStatusCode.Conflict);
        Assert.Equal("watcher must be 1 to 255 bytes of UTF-8 without control characters", tooLong.GetProperty("detail").GetString());

        await PostOkAsync(@operator, $"/api/jobs/{id}/cancel");
        var finished = await PostProblemAsync(@operator, $"/api/jobs/{id}/watch", null, HttpStatusCode.Conflict);
        Assert.Equal("Aborted", finished.GetProperty("outcome").GetString());
    }

    static bool Is(JsonElement message, Guid jobId, string taskId, string to) =>
        message.GetProperty("jobId").GetGuid() == jobId
        && message.TryGetProperty("taskId", out var task) && task.GetString() == taskId
        && message.GetProperty("to").GetString() == to;
}
