using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using QueueFlow.IntegrationTests.Infrastructure;
using QueueFlow.Persistence;
using QueueFlow.Persistence.DeadLetters;
using QueueFlow.Worker.DeadLetters;
using QueueFlow.Worker.Messaging;
using RabbitMQ.Client;

namespace QueueFlow.IntegrationTests.DeadLetters;

/// <summary>
/// The error-queue mover against the real broker and database: a message is acknowledged only once its row is
/// committed, so while the database is unreachable every message stays in the queue; the same message seen again is
/// one row, counted twice.
/// </summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_an_error_queue_is_moved_into_the_store(QueueFlowFixture fixture)
{
    [Fact]
    public async Task Should_leave_every_message_in_the_queue_while_the_database_is_down_and_store_them_once_it_is_back()
    {
        var queue = await fixture.Amqp.DeclareQueueAsync(QueueFlowFixture.Unique("dl-outage") + "_error");
        var jobId = Guid.NewGuid();
        var messageIds = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var messageId = Guid.NewGuid();
            messageIds.Add(messageId);
            await fixture.Amqp.PublishAsync(string.Empty, "CompleteTask", $$"""{ "jobId": "{{jobId}}", "taskId": "t{{i}}" }""", routingKey: queue,
                headers: new Dictionary<string, object?> { ["QF-Reason"] = "outage test" }, messageId: messageId);
        }

        // A database nobody listens on: every capture fails.
        var down = new CountingFactory("Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none;Timeout=2");
        var outage = Mover(down, queue);
        await outage.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.Until(() => Task.FromResult(down.Created), n => n >= 2, "the mover to try the database again after a failure");
            Assert.Equal(3u, await ReadyCountAsync(queue));
            Assert.Empty(await StoredAsync(jobId));
        }
        finally
        {
            await outage.StopAsync(CancellationToken.None);
            outage.Dispose();
        }

        await Eventually.Until(() => ReadyCountAsync(queue), n => n == 3, "every unacknowledged message back in the queue");
        var back = Mover(fixture.Worker.Services.GetRequiredService<IDbContextFactory<QueueFlowDbContext>>(), queue);
        await back.StartAsync(CancellationToken.None);
        try
        {
            var stored = await Eventually.Until(() => StoredAsync(jobId), rows => rows.Count == 3, "the three messages in the store");
            Assert.Equal(messageIds.Order(), stored.Select(r => r.MessageId!.Value).Order());
            Assert.All(stored, r => Assert.Equal(("outage test", queue, DeadLetterSource.Queue), (r.Reason, r.SourceName, r.Source)));
            Assert.Equal(["t0", "t1", "t2"], stored.Select(r => r.TaskId!).Order(StringComparer.Ordinal));
            await Eventually.Until(() => ReadyCountAsync(queue), n => n == 0, "the queue to be empty");

            // The same message again (a redelivery, or a replay that failed again): the same row, seen twice, with the new reason.
            await fixture.Amqp.PublishAsync(string.Empty, "CompleteTask", $$"""{ "jobId": "{{jobId}}", "taskId": "t0" }""", routingKey: queue,
                headers: new Dictionary<string, object?> { ["QF-Reason"] = "failed again" }, messageId: messageIds[0]);
            var again = await Eventually.Until(() => StoredAsync(jobId), rows => rows.Any(r => r.SeenCount == 2), "the message to be seen twice");
            Assert.Equal(3, again.Count);
            Assert.Equal("failed again", again.Single(r => r.SeenCount == 2).Reason);
        }
        finally
        {
            await back.StopAsync(CancellationToken.None);
            back.Dispose();
        }
    }

    [Fact]
    public async Task Should_store_messages_whose_values_no_column_can_hold_and_keep_the_queue_moving()
    {
        var queue = await fixture.Amqp.DeclareQueueAsync(QueueFlowFixture.Unique("dl-hostile") + "_error");
        var jobId = Guid.NewGuid();
        var longType = "Acme.Contracts:" + new string('x', 300);
        var reason = new Dictionary<string, object?> { ["QF-Reason"] = "hostile test" };

        // Each of the first four stopped the queue with it at the head, its row refused or never made: a header name with
        // U+0000 (jsonb cannot hold it), a type header longer than its column, a task id and an envelope's type escaped as
        // half a surrogate pair (System.Text.Json will not read either as a string). The last is an ordinary message.
        await fixture.Amqp.PublishAsync(string.Empty, null, $$"""{ "jobId": "{{jobId}}", "taskId": "t-nul" }""", routingKey: queue,
            headers: new Dictionary<string, object?>(reason) { ["x-trace\0id"] = "abc", ["x-trace\uFFFDid"] = "def" });
        await fixture.Amqp.PublishAsync(string.Empty, null, $$"""{ "jobId": "{{jobId}}", "taskId": "t-long" }""", routingKey: queue,
            headers: new Dictionary<string, object?>(reason) { ["MT-MessageType"] = longType });
        await fixture.Amqp.PublishAsync(string.Empty, null, $$"""{ "jobId": "{{jobId}}", "taskId": "\ud800" }""", routingKey: queue,
            headers: reason);
        await fixture.Amqp.PublishAsync(string.Empty, null,
            $$"""{ "messageType": ["urn:message:\udc00"], "message": { "jobId": "{{jobId}}", "taskId": "t-envelope", "note": "\ud800" } }""",
            routingKey: queue, headers: reason);
        // Bodies no text column can take as they are: not UTF-8 (a lone continuation byte), and a NUL byte.
        byte[][] raw = [[.. "{ \"x\": \""u8, 0xC3, 0x28, .. "\" }"u8], [.. "{ \"x\": \"a"u8, 0x00, .. "b\" }"u8]];
        var rawIds = new[] { Guid.NewGuid(), Guid.NewGuid() };
        for (var i = 0; i < raw.Length; i++)
            await PublishBytesAsync(queue, raw[i], rawIds[i]);
        await fixture.Amqp.PublishAsync(string.Empty, null, $$"""{ "jobId": "{{jobId}}", "taskId": "t-plain" }""", routingKey: queue,
            headers: reason);

        var mover = Mover(fixture.Worker.Services.GetRequiredService<IDbContextFactory<QueueFlowDbContext>>(), queue);
        await mover.StartAsync(CancellationToken.None);
        try
        {
            var stored = await Eventually.Until(() => StoredAsync(jobId), rows => rows.Count == 5, "all five messages in the store");
            await Eventually.Until(() => ReadyCountAsync(queue), n => n == 0, "the queue to be empty");
            Assert.All(stored, r => Assert.Equal("hostile test", r.Reason));

            var nul = Assert.Single(stored, r => r.TaskId == "t-nul");
            // Sanitized, the two names are one: both values are kept, the second under a numbered name.
            var nulHeaders = JsonNode.Parse(nul.Headers)!;
            Assert.Equal(["abc", "def"], new[] { nulHeaders["x-trace\uFFFDid"]!, nulHeaders["x-trace\uFFFDid#2"]! }.Select(v => v.GetValue<string>()).Order(StringComparer.Ordinal));

            var longRow = Assert.Single(stored, r => r.TaskId == "t-long");
            Assert.Equal(longType[..254] + "\u2026", longRow.MessageType);
            Assert.Equal(longType, JsonNode.Parse(longRow.Headers)!["MT-MessageType"]!.GetValue<string>());

            var surrogate = Assert.Single(stored, r => r.Body.Contains("\"taskId\": \"\\ud800\"", StringComparison.Ordinal));
            Assert.Null(surrogate.TaskId);

            var envelope = Assert.Single(stored, r => r.TaskId == "t-envelope");
            Assert.Null(envelope.MessageType);

            Assert.Equal(DeadLetterBodyEncoding.Text, Assert.Single(stored, r => r.TaskId == "t-plain").BodyEncoding);

            // Kept byte for byte, as base64, with the reason saying so.
            for (var i = 0; i < raw.Length; i++)
            {
                await using var db = fixture.Worker.CreateDbContext();
                var kept = await db.DeadLetters.AsNoTracking().SingleAsync(d => d.MessageId == rawIds[i]);
                Assert.Equal(raw[i], Convert.FromBase64String(kept.Body));
                Assert.Equal(DeadLetterBodyEncoding.Base64, kept.BodyEncoding);
                Assert.StartsWith("stored as base64 (the body is not UTF-8 text, or holds a NUL byte): hostile test", kept.Reason, StringComparison.Ordinal);
            }
        }
        finally
        {
            await mover.StopAsync(CancellationToken.None);
            mover.Dispose();
        }
    }

    [Fact]
    public async Task Should_keep_a_capture_the_database_refuses_whole_as_base64_and_say_why()
    {
        var store = new DeadLetterStore(fixture.Worker.Services.GetRequiredService<IDbContextFactory<QueueFlowDbContext>>());
        var jobId = Guid.NewGuid();
        var body = $$"""{ "jobId": "{{jobId}}", "note": "caf\u00e9" }""";
        var headers = """{ "QF-Reason": "first reason" }""";
        DeadLetterCapture Capture(string? type, string? taskId) => new()
        {
            MessageId = Guid.NewGuid(),
            Source = DeadLetterSource.Queue,
            SourceName = "dl-refused_error",
            MessageType = type,
            Destination = "exchange:dl-refused",
            Headers = headers,
            Body = body,
            Reason = "first reason",
            JobId = jobId,
            TaskId = taskId,
            SeenAt = DateTimeOffset.UtcNow,
        };

        // Refused by PostgreSQL (a type longer than its column), then by Npgsql before it is sent (a lone surrogate).
        var tooLong = Capture(new string('t', 300), "t1");
        var unencodable = Capture("QueueFlow.Contracts:CompleteTask", "\ud800");
        await store.CaptureAsync(tooLong, CancellationToken.None);
        await store.CaptureAsync(unencodable, CancellationToken.None);

        var stored = await StoredAsync(jobId);
        Assert.Equal(2, stored.Count);
        foreach (var (capture, refusal) in new[] { (tooLong, "22001"), (unencodable, "cannot encode") })
        {
            var row = Assert.Single(stored, r => r.MessageId == capture.MessageId);
            Assert.StartsWith("stored as base64", row.Reason, StringComparison.Ordinal);
            Assert.Contains(refusal, row.Reason, StringComparison.Ordinal);
            Assert.Equal(body, Encoding.UTF8.GetString(Convert.FromBase64String(row.Body)));
            Assert.Equal(DeadLetterBodyEncoding.Base64, row.BodyEncoding);
            var kept = JsonNode.Parse(row.Headers)!;
            Assert.Equal(headers, Encoding.UTF8.GetString(Convert.FromBase64String(kept["headers.base64"]!.GetValue<string>())));
            Assert.Equal("first reason", Encoding.UTF8.GetString(Convert.FromBase64String(kept["reason.base64"]!.GetValue<string>())));
            Assert.Equal((null, null, "dl-refused_error", "exchange:dl-refused", DeadLetterStatus.Pending),
                (row.MessageType, row.TaskId, row.SourceName, row.Destination, row.Status));
        }

        // Seen again, it is the same row, counted twice.
        await store.CaptureAsync(tooLong with { SeenAt = DateTimeOffset.UtcNow }, CancellationToken.None);
        Assert.Equal(2, (await StoredAsync(jobId)).Single(r => r.MessageId == tooLong.MessageId).SeenCount);
    }

    static ErrorQueueMover Mover(IDbContextFactory<QueueFlowDbContext> dbFactory, string queue) => new(
        new DeadLetterStore(dbFactory),
        Options.Create(new DeadLetterOptions { ErrorQueues = [queue], RetryInterval = TimeSpan.FromMilliseconds(200) }),
        Options.Create(new EndpointOptions()),
        Options.Create(new RabbitMqOptions
        {
            Host = TestSettings.RabbitHost, Port = (ushort)TestSettings.RabbitPort, VirtualHost = TestSettings.RabbitVirtualHost,
            Username = TestSettings.RabbitUsername, Password = TestSettings.RabbitPassword,
        }),
        TimeProvider.System,
        NullLogger<ErrorQueueMover>.Instance);

    async Task<List<DeadLetter>> StoredAsync(Guid jobId)
    {
        await using var db = fixture.Worker.CreateDbContext();
        return await db.DeadLetters.AsNoTracking().Where(d => d.JobId == jobId).ToListAsync();
    }

    static async Task PublishBytesAsync(string queue, byte[] body, Guid messageId)
    {
        await using var connection = await Factory().CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var properties = new BasicProperties
        {
            MessageId = messageId.ToString(),
            DeliveryMode = DeliveryModes.Persistent,
            Headers = new Dictionary<string, object?> { ["QF-Reason"] = "hostile test" },
        };
        await channel.BasicPublishAsync(string.Empty, queue, mandatory: false, properties, body);
    }

    static ConnectionFactory Factory() => new()
    {
        HostName = TestSettings.RabbitHost, Port = TestSettings.RabbitPort, VirtualHost = TestSettings.RabbitVirtualHost,
        UserName = TestSettings.RabbitUsername, Password = TestSettings.RabbitPassword,
    };

    static async Task<uint> ReadyCountAsync(string queue)
    {
        await using var connection = await Factory().CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
    }

    /// <summary>DbContexts on a connection string of the test's choosing, counted.</summary>
    sealed class CountingFactory(string connectionString) : IDbContextFactory<QueueFlowDbContext>
    {
        int _created;

        public int Created => Volatile.Read(ref _created);

        public QueueFlowDbContext CreateDbContext()
        {
            Interlocked.Increment(ref _created);
            var options = new DbContextOptionsBuilder<QueueFlowDbContext>();
            QueueFlowDbContextOptions.Configure(options, connectionString);
            return new QueueFlowDbContext(options.Options);
        }
    }
}
