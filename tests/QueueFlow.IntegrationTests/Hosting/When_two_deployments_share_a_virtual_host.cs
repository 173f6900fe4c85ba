using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using QueueFlow.Core.Jobs;
using QueueFlow.IntegrationTests.Api;
using QueueFlow.IntegrationTests.Infrastructure;
using QueueFlow.Persistence;
using QueueFlow.Persistence.DeadLetters;
using static QueueFlow.IntegrationTests.Api.ApiCalls;
using static QueueFlow.IntegrationTests.Api.JobRoutes;

namespace QueueFlow.IntegrationTests.Hosting;

/// <summary>
/// Two deployments with their own <c>Endpoints:Prefix</c> and database on ONE RabbitMQ virtual host: each
/// command is answered and applied by the deployment it was sent to, and the other never sees it.
/// </summary>
public sealed class When_two_deployments_share_a_virtual_host : IAsyncLifetime
{
    // Fixed, so a rerun reuses (and first empties) the queues an earlier run made instead of leaving more behind.
    const string PrefixA = "it-deploy-a.";
    const string PrefixB = "it-deploy-b.";

    Deployment _a = null!;
    Deployment _b = null!;
    RawAmqpClient _amqp = null!;

    public async Task InitializeAsync()
    {
        _amqp = await RawAmqpClient.ConnectAsync();
        foreach (var prefix in new[] { PrefixA, PrefixB })
        {
            await _amqp.PurgeQuorumQueueAsync(prefix + TestSettings.JobsQueue);
            await _amqp.PurgeQuorumQueueAsync($"{prefix}{TestSettings.JobsQueue}_error");
        }

        _a = await Deployment.StartAsync(PrefixA, "deploy_a");
        _b = await Deployment.StartAsync(PrefixB, "deploy_b");
    }

    public async Task DisposeAsync()
    {
        await _amqp.DisposeAsync();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task Should_answer_and_apply_a_command_only_in_the_deployment_it_was_sent_to()
    {
        var name = QueueFlowFixture.Unique("two-deployments");
        var runsA = await _amqp.CollectAsync(_a.Name(name));
        var runsB = await _amqp.CollectAsync(_b.Name(name));
        var watcher = QueueFlowFixture.Unique("deploy-watcher");
        var watchQueue = QueueFlowFixture.Unique("deploy-watch");
        await _amqp.BindAsync(watchQueue, _a.Name(WatchDestination.Exchange), watcher);
        var watched = await _amqp.CollectAsync(watchQueue);
        using var adminA = _a.ClientWith(ApiFactory.AdminKey);
        using var adminB = _b.ClientWith(ApiFactory.AdminKey);
        using var operatorA = _a.ClientWith(ApiFactory.OperatorKey);
        using var operatorB = _b.ClientWith(ApiFactory.OperatorKey);
        await RegisterAsync(adminA, Workflows.Chain(name, 2));
        await RegisterAsync(adminB, Workflows.Chain(name, 2));

        // The same job id in both (one Idempotency-Key, one caller name), started by a timer a moment later.
        var start = $$"""{"workflow":"{{name}}","scheduledAt":"{{DateTimeOffset.UtcNow.AddSeconds(1):O}}"}""";
        var key = QueueFlowFixture.Unique("deploy-start");
        var id = await ApiCalls.StartAsync(operatorA, start, key);
        Assert.Equal(id, await ApiCalls.StartAsync(operatorB, start, key));
        var runA = await RunOfAsync(runsA, id);
        var runB = await RunOfAsync(runsB, id);
        var historyB = await HistoryCountAsync(operatorB, id);

        // Completed over the Camunda route, watched and paused over the HTTP API, all in A.
        Assert.Equal("Accepted", (await PostOkAsync(operatorA, $"/api/jobs/{id}/watch", $$"""{"watcher":"{{watcher}}"}""")).GetProperty("status").GetString());
        using (var completed = await operatorA.PostAsync(new Uri($"/v2/jobs/{runA.GetProperty("jobKey").GetString()}/completion", UriKind.Relative), Json("{}")))
            Assert.Equal(HttpStatusCode.NoContent, completed.StatusCode);
        await TaskWhenAsync(operatorA, id, "t2", "Running");
        var paused = await PostOkAsync(operatorA, $"/api/jobs/{id}/pause");

        Assert.Equal("Accepted", paused.GetProperty("status").GetString());
        Assert.Equal("Paused", paused.GetProperty("jobStatus").GetString());
        await Eventually.Until(() => Task.FromResult(watched.ToList()), m => m.Any(e => Is(e, id, "t1", "Completed")), $"t1 Completed on {_a.Name(WatchDestination.Exchange)}");
        var jobB = await JobAsync(operatorB, id);
        Assert.Equal("Running", jobB.GetProperty("status").GetString());
        Assert.Empty(jobB.GetProperty("watchers").EnumerateArray());
        var t1B = TaskOf(jobB, "t1");
        Assert.Equal("Running", t1B.GetProperty("status").GetString());
        Assert.Equal(runB.GetProperty("attemptId").GetGuid(), t1B.GetProperty("attemptId").GetGuid());
        Assert.Equal(historyB, await HistoryCountAsync(operatorB, id));
        Assert.DoesNotContain(runsB, r => r.GetProperty("taskId").GetString() == "t2");
    }

    [Fact]
    public async Task Should_send_a_message_it_cannot_read_to_its_own_error_queue()
    {
        var jobsQueue = _a.Name(_a.Services.GetRequiredService<IOptions<Worker.Messaging.EndpointOptions>>().Value.JobsQueue);
        var marker = QueueFlowFixture.Unique("deploy-untyped");

        await _amqp.PublishAsync(jobsQueue, null, $$"""{ "jobId": "{{Guid.NewGuid()}}", "marker": "{{marker}}" }""");

        // Each deployment empties its own error queue into its own dead-letter store.
        var dead = await Eventually.Until(() => DeadLetterAsync(_a, marker), d => d is not null, $"the message from {jobsQueue}_error in A's dead-letter store");
        Assert.Equal($"{jobsQueue}_error", dead!.SourceName);
        Assert.Null(await DeadLetterAsync(_b, marker));
        Assert.Null(await _amqp.GetAsync($"{_b.Name(TestSettings.JobsQueue)}_error"));
    }

    static async Task<DeadLetter?> DeadLetterAsync(Deployment deployment, string marker)
    {
        var options = new DbContextOptionsBuilder<QueueFlowDbContext>();
        QueueFlowDbContextOptions.Configure(options, deployment.ConnectionString);
        await using var db = new QueueFlowDbContext(options.Options);
        return await db.DeadLetters.AsNoTracking().SingleOrDefaultAsync(d => d.Body.Contains(marker));
    }

    static async Task<JsonElement> RunOfAsync(System.Collections.Concurrent.ConcurrentQueue<JsonElement> runs, Guid id) =>
        (await Eventually.Until(() => Task.FromResult(runs.ToList()), r => r.Any(m => m.GetProperty("jobId").GetGuid() == id), $"the RunTask of job {id}"))
        .Single(m => m.GetProperty("jobId").GetGuid() == id);

    static async Task<int> HistoryCountAsync(HttpClient client, Guid id)
    {
        using var response = await client.GetAsync(new Uri($"/api/jobs/{id}/history?limit=500", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await BodyAsync(response)).GetProperty("items").GetArrayLength();
    }

    static bool Is(JsonElement message, Guid id, string taskId, string to) =>
        message.GetProperty("jobId").GetGuid() == id && message.TryGetProperty("taskId", out var task) && task.GetString() == taskId
        && message.GetProperty("to").GetString() == to;
}
