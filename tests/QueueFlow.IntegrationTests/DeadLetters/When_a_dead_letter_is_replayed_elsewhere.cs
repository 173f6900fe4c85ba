using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using QueueFlow.IntegrationTests.Api;
using QueueFlow.IntegrationTests.Infrastructure;
using QueueFlow.Persistence;
using static QueueFlow.IntegrationTests.Api.JobRoutes;
using static QueueFlow.IntegrationTests.DeadLetters.DeadLetterCalls;

namespace QueueFlow.IntegrationTests.DeadLetters;

/// <summary>
/// An operator replays dead letters to another queue or exchange than the one they failed on (a consumer moved, a
/// queue renamed): they arrive there under their own message ids, the letters say where they went, and a destination
/// that cannot be sent to is refused before anything changes. Against the real services.
/// </summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_dead_letter_is_replayed_elsewhere(ApiFactory api, QueueFlowFixture fixture) : IClassFixture<ApiFactory>
{
    static readonly TimeSpan Arrival = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_send_it_to_the_named_queue_once_and_say_so_in_the_answer_and_the_audit()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var jobId = Guid.NewGuid();
        var queue = QueueFlowFixture.Unique($"dl-elsewhere-{Guid.NewGuid():N}");
        var arrived = await fixture.Amqp.CollectWithIdsAsync(queue);
        var id = await CaptureAsync(api.Services, jobId, "QueueFlow.Contracts.PauseJob", $$"""{ "jobId": "{{jobId}}", "reason": "moved" }""");
        var messageId = (await GetOkAsync(@operator, $"/api/dead-letters/{id}")).GetProperty("messageId").GetGuid();

        var dry = await ReplayAsync(@operator, $$"""{ "ids": ["{{id}}"], "destination": "queue:{{queue}}", "dryRun": true }""");
        Assert.Equal(("WouldBeDone", $"queue:{queue}"), (Outcome(dry), dry.GetProperty("items")[0].GetProperty("destination").GetString()));
        Assert.Equal("Pending", (await GetOkAsync(@operator, $"/api/dead-letters/{id}")).GetProperty("status").GetString());

        var replayed = await ReplayAsync(@operator, $$"""{ "ids": ["{{id}}"], "destination": "queue:{{queue}}" }""");

        Assert.Equal(("Done", $"queue:{queue}", messageId),
            (Outcome(replayed), replayed.GetProperty("items")[0].GetProperty("destination").GetString(), replayed.GetProperty("items")[0].GetProperty("messageId").GetGuid()));
        var message = Assert.Single(await Eventually.Until(() => Task.FromResult(arrived.ToArray()), m => m.Length > 0, $"the replay in {queue}", Arrival));
        Assert.Equal((messageId.ToString(), jobId, "moved"),
            (message.MessageId, message.Body.GetProperty("jobId").GetGuid(), message.Body.GetProperty("reason").GetString()));

        var after = await GetOkAsync(@operator, $"/api/dead-letters/{id}");
        Assert.Equal(("Replayed", $"exchange:{TestSettings.JobsQueue}"), (after.GetProperty("status").GetString(), after.GetProperty("destination").GetString()));
        var audit = Assert.Single(after.GetProperty("actions").EnumerateArray());
        Assert.Equal($"sent again as message {messageId} to queue:{queue} instead of exchange:{TestSettings.JobsQueue}", audit.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Should_send_every_letter_of_a_filter_to_a_task_queue_under_its_own_message_id()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var jobId = Guid.NewGuid();
        var queue = QueueFlowFixture.Unique($"dl-task-{Guid.NewGuid():N}");
        var arrived = await fixture.Amqp.CollectWithIdsAsync(queue);
        var first = await CaptureAsync(api.Services, jobId, "QueueFlow.Contracts.PauseJob", $$"""{ "jobId": "{{jobId}}", "reason": "first" }""");
        var second = await CaptureAsync(api.Services, jobId, "QueueFlow.Contracts.PauseJob", $$"""{ "jobId": "{{jobId}}", "reason": "second" }""");
        var ids = new Dictionary<Guid, Guid>();
        foreach (var letter in new[] { first, second })
            ids[letter] = (await GetOkAsync(@operator, $"/api/dead-letters/{letter}")).GetProperty("messageId").GetGuid();

        var replayed = await ReplayAsync(@operator, $$"""{ "filter": { "jobId": "{{jobId}}" }, "destination": "task:{{queue}}" }""");

        Assert.Equal((2, 2), (replayed.GetProperty("matched").GetInt32(), replayed.GetProperty("done").GetInt32()));
        var messages = await Eventually.Until(() => Task.FromResult(arrived.ToArray()), m => m.Length >= 2, $"both replays in {queue}", Arrival);
        Assert.Equal([(ids[first].ToString(), "first"), (ids[second].ToString(), "second")],
            messages.Select(m => (m.MessageId, m.Body.GetProperty("reason").GetString())).OrderBy(m => m.Item2, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Should_send_it_through_an_exchange_that_routes_to_a_queue()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var jobId = Guid.NewGuid();
        var (exchange, queue) = (QueueFlowFixture.Unique($"dl-fanout-{Guid.NewGuid():N}"), QueueFlowFixture.Unique($"dl-bound-{Guid.NewGuid():N}"));
        await fixture.Amqp.BindFanoutAsync(queue, exchange);
        var arrived = await fixture.Amqp.CollectWithIdsAsync(queue);
        var id = await CaptureAsync(api.Services, jobId, "QueueFlow.Contracts.PauseJob", $$"""{ "jobId": "{{jobId}}", "reason": "through an exchange" }""");

        Assert.Equal("Done", Outcome(await ReplayAsync(@operator, $$"""{ "ids": ["{{id}}"], "destination": "exchange:{{exchange}}" }""")));

        var message = Assert.Single(await Eventually.Until(() => Task.FromResult(arrived.ToArray()), m => m.Length > 0, $"the replay in {queue}", Arrival));
        Assert.Equal("through an exchange", message.Body.GetProperty("reason").GetString());
    }

    /// <summary>
    /// The bus declares what it sends to: a declaration the broker refuses would close the channel other sends share,
    /// and an exchange with nothing bound would drop the message. Each is refused before anything is replayed.
    /// </summary>
    [Fact]
    public async Task Should_refuse_a_destination_the_broker_would_refuse_or_drop_and_say_why()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var quorum = QueueFlowFixture.Unique($"dl-quorum-{Guid.NewGuid():N}");
        await fixture.Amqp.PurgeQuorumQueueAsync(quorum);
        var topic = QueueFlowFixture.Unique($"dl-topic-{Guid.NewGuid():N}");
        await fixture.Amqp.DeclareExchangeAsync(topic, "topic");
        var unbound = QueueFlowFixture.Unique($"dl-unbound-{Guid.NewGuid():N}");
        await fixture.Amqp.DeclareExchangeAsync(unbound, "fanout");
        var missing = QueueFlowFixture.Unique($"dl-missing-{Guid.NewGuid():N}");
        var jobId = Guid.NewGuid();
        var id = await CaptureAsync(api.Services, jobId, "QueueFlow.Contracts.PauseJob", $$"""{ "jobId": "{{jobId}}" }""");

        foreach (var (destination, says) in new[]
        {
            ($"queue:{quorum}", $"queue '{quorum}' is a quorum one; the bus declares a queue it sends to as a durable classic queue"),
            ($"task:{quorum}", $"queue '{quorum}' is a quorum one"),
            ($"queue:{topic}", $"exchange '{topic}' is a topic one"),
            ($"exchange:{topic}", $"exchange '{topic}' is a topic one"),
            ($"exchange:{unbound}", $"nothing is bound to exchange '{unbound}': the message would be dropped"),
            ($"exchange:{missing}", $"the broker has no exchange '{missing}'"),
        })
        {
            var problem = await PostProblemAsync(@operator, "/api/dead-letters/replay",
                JsonSerializer.Serialize(new { ids = new[] { id }, destination }), HttpStatusCode.BadRequest);
            Assert.Equal("$.destination", problem.GetProperty("path").GetString());
            Assert.Contains(says, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        await AssertUntouchedAsync(@operator, api.Services, id, jobId);
    }

    [Theory]
    [InlineData("rabbitmq://elsewhere/queue-a", "destination must be exchange:NAME, queue:NAME or task:NAME")]
    [InlineData("queue:", "names no queue")]
    [InlineData("queue:two words", "may hold only letters, digits")]
    [InlineData("exchange:q?type=topic", "may hold only letters, digits")]
    [InlineData("exchange:amq.direct", "reserved by the broker")]
    public async Task Should_refuse_a_destination_it_cannot_send_to_and_leave_the_letter_pending(string destination, string says)
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var jobId = Guid.NewGuid();
        var id = await CaptureAsync(api.Services, jobId, "QueueFlow.Contracts.PauseJob", $$"""{ "jobId": "{{jobId}}" }""");

        var problem = await PostProblemAsync(@operator, "/api/dead-letters/replay",
            JsonSerializer.Serialize(new { ids = new[] { id }, destination }), HttpStatusCode.BadRequest);

        Assert.Equal("$.destination", problem.GetProperty("path").GetString());
        Assert.Contains(says, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertUntouchedAsync(@operator, api.Services, id, jobId);
    }

    /// <summary>
    /// Whether the destination would take the message is the broker's to say; when its management API cannot be read,
    /// the replay is not guessed at: 503, and the letter stays as it was for a later try.
    /// </summary>
    [Fact]
    public async Task Should_answer_503_and_replay_nothing_when_the_broker_cannot_be_asked()
    {
        // Port 9 (discard) has no management API: the check fails fast, as with the plugin off or the broker down.
        await using var blind = new ApiFactory { ConfigureExtra = web => web.UseSetting("RabbitMq:ManagementPort", "9") };
        using var @operator = blind.ClientWith(ApiFactory.OperatorKey);
        var jobId = Guid.NewGuid();
        var queue = QueueFlowFixture.Unique($"dl-unasked-{Guid.NewGuid():N}");
        var id = await CaptureAsync(blind.Services, jobId, "QueueFlow.Contracts.PauseJob", $$"""{ "jobId": "{{jobId}}" }""");

        var problem = await PostProblemAsync(@operator, "/api/dead-letters/replay",
            JsonSerializer.Serialize(new { ids = new[] { id }, destination = $"queue:{queue}" }), HttpStatusCode.ServiceUnavailable);

        Assert.Equal("Destination not checked", problem.GetProperty("title").GetString());
        Assert.Contains($"'queue:{queue}'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("nothing was replayed", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertUntouchedAsync(@operator, blind.Services, id, jobId);

        // Without a destination the broker need not be asked: the same letter is replayed where it failed.
        Assert.Equal("Done", Outcome(await ReplayAsync(@operator, $$"""{ "ids": ["{{id}}"] }""")));
    }

    [Fact]
    public async Task Should_refuse_a_destination_on_a_discard()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var id = await CaptureAsync(api.Services, Guid.NewGuid(), "QueueFlow.Contracts.PauseJob", $$"""{ "jobId": "{{Guid.NewGuid()}}" }""");

        var problem = await PostProblemAsync(@operator, "/api/dead-letters/discard", $$"""{ "ids": ["{{id}}"], "destination": "queue:anywhere" }""", HttpStatusCode.BadRequest);

        Assert.Equal(("$.destination", "a discard takes no destination."), (problem.GetProperty("path").GetString(), problem.GetProperty("detail").GetString()));
        Assert.Equal("Pending", (await GetOkAsync(@operator, $"/api/dead-letters/{id}")).GetProperty("status").GetString());
    }

    /// <summary>The letter is still Pending with no action recorded, and nothing of its job waits in the outbox.</summary>
    static async Task AssertUntouchedAsync(HttpClient client, IServiceProvider services, Guid id, Guid jobId)
    {
        var letter = await GetOkAsync(client, $"/api/dead-letters/{id}");
        Assert.Equal(("Pending", 0), (letter.GetProperty("status").GetString(), letter.GetProperty("actions").GetArrayLength()));
        await using var db = await services.GetRequiredService<IDbContextFactory<QueueFlowDbContext>>().CreateDbContextAsync();
        Assert.False(await db.Outbox.AnyAsync(o => o.JobId == jobId));
    }
}
