using System.Collections.Concurrent;
using System.Text.Json;
using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Lifecycle;

/// <summary>
/// A worker and producer speaking plain JSON over RabbitMQ for one scenario: it collects the RunTask
/// messages of the scenario's queues with the time each arrived, and sends commands as requests whose
/// CommandOutcome replies come back to a reply queue of its own, one command at a time.
/// </summary>
internal sealed class PlainJsonWorker
{
    readonly QueueFlowFixture _fixture;
    readonly string _replyQueue;
    readonly ConcurrentQueue<JsonElement> _replies;
    readonly ConcurrentQueue<(JsonElement Run, DateTimeOffset ReceivedAt)> _runs = new();
    int _sent;

    PlainJsonWorker(QueueFlowFixture fixture, string replyQueue, ConcurrentQueue<JsonElement> replies)
    {
        _fixture = fixture;
        _replyQueue = replyQueue;
        _replies = replies;
    }

    /// <summary>Consumes <paramref name="queues"/> and a reply queue named after <paramref name="scenario"/>.</summary>
    public static async Task<PlainJsonWorker> StartAsync(QueueFlowFixture fixture, string scenario, params string[] queues)
    {
        var replyQueue = QueueFlowFixture.Unique($"{scenario}-replies");
        var worker = new PlainJsonWorker(fixture, replyQueue, await fixture.Amqp.CollectAsync(replyQueue));
        foreach (var queue in queues)
        {
            await fixture.Amqp.ConsumeAsync(queue, (run, _) =>
            {
                worker._runs.Enqueue((run, DateTimeOffset.UtcNow));
                return Task.CompletedTask;
            });
        }

        return worker;
    }

    /// <summary>Registers a definition, failing the test with the validation errors if it is refused.</summary>
    public async Task RegisterAsync(string document)
    {
        var registration = await _fixture.RegisterWorkflowAsync(document);
        Assert.True(registration.Accepted, string.Join("; ", registration.Errors));
    }

    /// <summary>Starts a job of <paramref name="workflow"/> and returns its id once the start is accepted.</summary>
    public async Task<Guid> StartJobAsync(string workflow, DateTimeOffset? scheduledAt = null)
    {
        var jobId = MassTransit.NewId.NextGuid();
        var started = await _fixture.SendAsync(new StartJob { JobId = jobId, Workflow = workflow, ScheduledAt = scheduledAt });
        Assert.Equal(CommandStatus.Accepted, started.Status);
        return jobId;
    }

    /// <summary>Every RunTask received so far, oldest first.</summary>
    public IReadOnlyList<JsonElement> Runs => [.. _runs.Select(r => r.Run)];

    /// <summary>Awaits the RunTask of <paramref name="taskId"/> with that attempt number; returns it with when it arrived.</summary>
    public async Task<(JsonElement Run, DateTimeOffset ReceivedAt)> RunOfAsync(string taskId, int attempt, TimeSpan? timeout = null)
    {
        bool Matches((JsonElement Run, DateTimeOffset) r) =>
            r.Run.GetProperty("taskId").GetString() == taskId && r.Run.GetProperty("attempt").GetInt32() == attempt;

        var all = await Eventually.Until(() => Task.FromResult(_runs.ToArray()), runs => runs.Any(Matches), $"RunTask of '{taskId}' attempt {attempt}", timeout);
        return all.Single(Matches);
    }

    /// <summary>Publishes a command's JSON to its exchange as a request and awaits its reply.</summary>
    public async Task<CommandOutcome> SendAsync(string contract, string json)
    {
        await _fixture.Amqp.PublishAsync($"QueueFlow.Contracts:{contract}", contract, json, headers: new Dictionary<string, object?>
        {
            ["RequestId"] = Guid.NewGuid().ToString(),
            ["MT-Response-Address"] = $"queue:{_replyQueue}",
        });
        var answered = ++_sent;
        var replies = await Eventually.Until(() => Task.FromResult(_replies.ToArray()), r => r.Length >= answered, $"the {contract} to be answered");
        Assert.Equal(answered, replies.Length);
        return replies[answered - 1].Deserialize<CommandOutcome>(JsonSerializerOptions.Web)!;
    }

    /// <summary>Completes the attempt <paramref name="run"/> carried; <paramref name="extra"/> is more JSON members, e.g. <c>"output": {…}</c>.</summary>
    public Task<CommandOutcome> CompleteAsync(JsonElement run, string? extra = null) =>
        SendAsync("CompleteTask", Command(run, extra));

    public Task<CommandOutcome> FailAsync(JsonElement run, string error, bool terminal = false) =>
        SendAsync("FailTask", Command(run, $"\"error\": {JsonSerializer.Serialize(error)}, \"terminal\": {(terminal ? "true" : "false")}"));

    /// <summary>A command about the attempt <paramref name="run"/> carried.</summary>
    public static string Command(JsonElement run, string? extra = null)
    {
        var head = $$"""{ "jobId": "{{run.GetProperty("jobId").GetGuid()}}", "taskId": "{{run.GetProperty("taskId").GetString()}}", "attemptId": "{{run.GetProperty("attemptId").GetGuid()}}" """;
        return extra is null ? head + "}" : $"{head}, {extra} }}";
    }
}
