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
                await DeclareAsync(driver, Inbound, Outbound, cancellationToken);
                try
                {
                    var hop = new Hop();
                    await using var standIn = await StandInWorker.StartAsync(worker, [client], rows, Inbound, Outbound, cancellationToken);
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
                    await DeleteAsync(driver, Inbound, Outbound);
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

    /// <summary>The floors' two queues, fresh: the jobs queue's type inbound, a task queue's as MassTransit declares it outbound.</summary>
    internal static async Task DeclareAsync(IConnection connection, string inbound, string outbound, CancellationToken cancellationToken)
    {
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await using (channel)
        {
            // Fresh queues each run, so nothing an interrupted earlier run left behind is delivered.
            await channel.QueueDeleteAsync(inbound, cancellationToken: cancellationToken);
            await channel.QueueDeleteAsync(outbound, cancellationToken: cancellationToken);
            // The jobs queue's type, and a task queue's as MassTransit declares it.
            await channel.QueueDeclareAsync(inbound, durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: cancellationToken);
            await channel.QueueDeclareAsync(outbound, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
        }
    }

    internal static async Task DeleteAsync(IConnection connection, string inbound, string outbound)
    {
        var channel = await connection.CreateChannelAsync();
        await using (channel)
        {
            await channel.QueueDeleteAsync(inbound);
            await channel.QueueDeleteAsync(outbound);
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
}
