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

    static async Task<uint> ReadyCountAsync(string queue)
    {
        var factory = new ConnectionFactory
        {
            HostName = TestSettings.RabbitHost, Port = TestSettings.RabbitPort, VirtualHost = TestSettings.RabbitVirtualHost,
            UserName = TestSettings.RabbitUsername, Password = TestSettings.RabbitPassword,
        };
        await using var connection = await factory.CreateConnectionAsync();
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
