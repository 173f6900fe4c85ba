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
    /// <summary>Runs <paramref name="warmup"/> hops, then times <paramref name="hops"/> more, each locking one of <paramref name="rows"/>.</summary>
    public Task<LatencySummary> RunAsync(CeilingClient client, Guid[] rows, int hops, int warmup, CancellationToken cancellationToken) =>
        FloorBroker.RunAsync(settings, queuePrefix, "hop-floor", async (driver, worker, inbound, outbound) =>
        {
            var hop = new Hop();
            await using var standIn = await StandInWorker.StartAsync(worker, [client], rows, inbound, outbound, cancellationToken);
            await using var receiver = await ConsumeAsync(driver, outbound, hop, cancellationToken);
            await using var publisher = await driver.CreateChannelAsync(FloorBroker.ConfirmedChannel, cancellationToken);

            var timed = new List<double>(hops);
            for (var i = 0; i < warmup + hops; i++)
            {
                var answered = hop.Expect();
                var sent = Stopwatch.GetTimestamp();
                var confirmed = publisher.BasicPublishAsync(string.Empty, inbound, mandatory: false, FloorBroker.Persistent(), RabbitMqCeiling.Body, cancellationToken);
                var received = await answered.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
                await confirmed;
                if (i >= warmup)
                    timed.Add(Stopwatch.GetElapsedTime(sent, received).TotalMilliseconds);
            }

            return LatencySummary.Of(timed);
        }, cancellationToken);

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
