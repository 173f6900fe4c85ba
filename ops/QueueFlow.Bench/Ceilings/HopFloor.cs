using System.Diagnostics;
using QueueFlow.Bench.Reporting;
using QueueFlow.Bench.Services;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace QueueFlow.Bench.Ceilings;

/// <summary>
/// The latency counterpart of the ceilings: the shortest "CompleteTask → next RunTask" this machine's services allow
/// with QueueFlow's durability and nothing of QueueFlow, one message in flight. A driver connection publishes a
/// persistent, confirmed message into a quorum queue (a worker's CompleteTask into the jobs queue); a stand-in worker
/// on a connection of its own takes it, commits one PostgreSQL transaction like the ceiling's (lock a row, update it,
/// insert a history row, commit with the flush), publishes a persistent answer into a durable classic queue (a RunTask
/// into a task queue), waits for the broker's confirm and acks; the hop ends when the answer reaches the driver. That
/// is the fewest round trips and disk flushes a step can cost; what QueueFlow measures above it at one job in flight
/// is its own.
/// </summary>
internal sealed class HopFloor(ServiceSettings settings, string queuePrefix)
{
    string Inbound => queuePrefix + "-in";

    string Outbound => queuePrefix + "-out";

    /// <summary>Runs <paramref name="warmup"/> hops, then times <paramref name="hops"/> more, each locking one of <paramref name="rows"/>.</summary>
    public async Task<LatencySummary> RunAsync(CeilingClient client, Guid[] rows, int hops, int warmup, CancellationToken cancellationToken)
    {
        var driver = await settings.ConnectAsync("queueflow-bench hop-floor driver", cancellationToken);
        await using (driver)
        {
            var worker = await settings.ConnectAsync("queueflow-bench hop-floor worker", cancellationToken);
            await using (worker)
            {
                await DeclareAsync(driver, cancellationToken);
                try
                {
                    var hop = new Hop();
                    await using var standIn = await StandInWorker.StartAsync(worker, client, rows, Inbound, Outbound, cancellationToken);
                    await using var receiver = await ConsumeAsync(driver, Outbound, hop, cancellationToken);
                    await using var publisher = await driver.CreateChannelAsync(ConfirmedChannel, cancellationToken);

                    var timed = new List<double>(hops);
                    for (var i = 0; i < warmup + hops; i++)
                    {
                        var answered = hop.Expect();
                        var sent = Stopwatch.GetTimestamp();
                        var confirmed = publisher.BasicPublishAsync(string.Empty, Inbound, mandatory: false, Persistent(), RabbitMqCeiling.Body, cancellationToken);
                        var received = await answered.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
                        await confirmed;
                        if (i >= warmup)
                            timed.Add(Stopwatch.GetElapsedTime(sent, received).TotalMilliseconds);
                    }

                    return LatencySummary.Of(timed);
                }
                finally
                {
                    await DeleteAsync(driver);
                }
            }
        }
    }

    /// <summary>Confirms tracked by the client, no limiter of its own: as the bench's driver publishes.</summary>
    internal static CreateChannelOptions ConfirmedChannel { get; } =
        new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true, outstandingPublisherConfirmationsRateLimiter: null);

    internal static BasicProperties Persistent() => new()
    {
        ContentType = "application/json",
        DeliveryMode = DeliveryModes.Persistent,
        MessageId = Guid.NewGuid().ToString(),
    };

    async Task DeclareAsync(IConnection connection, CancellationToken cancellationToken)
    {
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await using (channel)
        {
            // Fresh queues each run, so nothing an interrupted earlier run left behind is delivered.
            await channel.QueueDeleteAsync(Inbound, cancellationToken: cancellationToken);
            await channel.QueueDeleteAsync(Outbound, cancellationToken: cancellationToken);
            // The jobs queue's type, and a task queue's as MassTransit declares it.
            await channel.QueueDeclareAsync(Inbound, durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: cancellationToken);
            await channel.QueueDeclareAsync(Outbound, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
        }
    }

    async Task DeleteAsync(IConnection connection)
    {
        var channel = await connection.CreateChannelAsync();
        await using (channel)
        {
            await channel.QueueDeleteAsync(Inbound);
            await channel.QueueDeleteAsync(Outbound);
        }
    }

    static async Task<IChannel> ConsumeAsync(IConnection connection, string queue, Hop hop, CancellationToken cancellationToken)
    {
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await channel.BasicQosAsync(0, BenchOptions.Prefetch, global: false, cancellationToken);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            hop.Arrived(Stopwatch.GetTimestamp());
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None);
        };
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer, cancellationToken);
        return channel;
    }

    /// <summary>The one hop in flight: the driver expects an answer, the receiver hands over when it arrived.</summary>
    sealed class Hop
    {
        TaskCompletionSource<long> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<long> Expect()
        {
            _answer = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _answer.Task;
        }

        public void Arrived(long timestamp) => _answer.TrySetResult(timestamp);
    }

    /// <summary>What a QueueFlow worker must do at the least for one message: commit its change, send its answer, ack.</summary>
    sealed class StandInWorker(IChannel consumer, IChannel publisher) : IAsyncDisposable
    {
        public static async Task<StandInWorker> StartAsync(IConnection connection, CeilingClient client, Guid[] rows, string inbound, string outbound, CancellationToken cancellationToken)
        {
            var consumer = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            var publisher = await connection.CreateChannelAsync(ConfirmedChannel, cancellationToken);
            await consumer.BasicQosAsync(0, BenchOptions.Prefetch, global: false, cancellationToken);
            var handler = new AsyncEventingBasicConsumer(consumer);
            handler.ReceivedAsync += async (_, delivery) =>
            {
                await client.RunOneAsync(rows[Random.Shared.Next(rows.Length)], cancellationToken);
                await publisher.BasicPublishAsync(string.Empty, outbound, mandatory: false, Persistent(), RabbitMqCeiling.Body, cancellationToken);
                await consumer.BasicAckAsync(delivery.DeliveryTag, multiple: false, cancellationToken);
            };
            await consumer.BasicConsumeAsync(inbound, autoAck: false, handler, cancellationToken);
            return new StandInWorker(consumer, publisher);
        }

        public async ValueTask DisposeAsync()
        {
            await consumer.CloseAsync();
            consumer.Dispose();
            await publisher.CloseAsync();
            publisher.Dispose();
        }
    }
}
