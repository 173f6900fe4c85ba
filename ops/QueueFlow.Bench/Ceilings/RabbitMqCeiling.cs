using System.Diagnostics;
using System.Text;
using QueueFlow.Bench.Services;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace QueueFlow.Bench.Ceilings;

/// <summary>
/// The broker's ceiling with QueueFlow's durability: a quorum queue, persistent messages, publisher
/// confirms with a bounded window of outstanding ones, and one consumer acking each message with the
/// jobs endpoint's prefetch. Publishing and consuming overlap, as they do under load.
/// </summary>
internal sealed class RabbitMqCeiling(ServiceSettings settings, string queue, int confirmWindow, ushort prefetch)
{
    /// <summary>About the size of a CompleteTask on the wire (the ceiling's publishes add the type header a plain-JSON worker sets).</summary>
    internal static readonly byte[] Body = Encoding.UTF8.GetBytes(
        """{"jobId":"0b6f9a52-3c8e-4f43-9d55-2f0f0c6c2a11","taskId":"t1","attemptId":"9b3c0a52-3c8e-4f43-9d55-2f0f0c6c2a11","output":{"ok":true}}""");

    public async Task<CeilingResult> RunAsync(int messages, int warmup, CancellationToken cancellationToken)
    {
        var connection = await settings.ConnectAsync("queueflow-bench rabbitmq-ceiling", cancellationToken);
        await using (connection)
        {
            var setup = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            await using (setup)
            {
                // A fresh queue each run, so nothing a crashed earlier run left behind is counted.
                await setup.QueueDeleteAsync(queue, cancellationToken: cancellationToken);
                await setup.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
                    arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: cancellationToken);
                try
                {
                    if (warmup > 0)
                        await LoopAsync(connection, warmup, cancellationToken);
                    var elapsed = await LoopAsync(connection, messages, cancellationToken);
                    return new CeilingResult("RabbitMQ", messages, elapsed,
                        $"{messages:N0} in {elapsed.TotalSeconds:0.0} s: quorum queue, persistent, confirms (≤ {confirmWindow} outstanding), 1 consumer, prefetch {prefetch}, ack each");
                }
                finally
                {
                    await setup.QueueDeleteAsync(queue, cancellationToken: CancellationToken.None);
                }
            }
        }
    }

    async Task<TimeSpan> LoopAsync(IConnection connection, int messages, CancellationToken cancellationToken)
    {
        var consumerChannel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await using (consumerChannel)
        {
            var allAcked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var acked = 0;
            await consumerChannel.BasicQosAsync(0, prefetch, global: false, cancellationToken);
            var consumer = new AsyncEventingBasicConsumer(consumerChannel);
            consumer.ReceivedAsync += async (_, delivery) =>
            {
                await consumerChannel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None);
                if (Interlocked.Increment(ref acked) == messages)
                    allAcked.TrySetResult();
            };
            var consumerTag = await consumerChannel.BasicConsumeAsync(queue, autoAck: false, consumer, cancellationToken);

            var started = Stopwatch.GetTimestamp();
            await PublishAsync(connection, messages, cancellationToken);
            await allAcked.Task.WaitAsync(TimeSpan.FromMinutes(5), cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(started);

            await consumerChannel.BasicCancelAsync(consumerTag, cancellationToken: cancellationToken);
            return elapsed;
        }
    }

    async Task PublishAsync(IConnection connection, int messages, CancellationToken cancellationToken)
    {
        // Tracking on, the client's own limiter off: the window below is the only bound, and it is explicit.
        var options = new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true,
            outstandingPublisherConfirmationsRateLimiter: null);
        var channel = await connection.CreateChannelAsync(options, cancellationToken);
        await using (channel)
        {
            var properties = new BasicProperties
            {
                ContentType = "application/json",
                DeliveryMode = DeliveryModes.Persistent,
                Headers = new Dictionary<string, object?> { ["MT-MessageType"] = "urn:message:QueueFlow.Contracts:CompleteTask" },
            };
            var outstanding = new Queue<Task>(confirmWindow);
            for (var i = 0; i < messages; i++)
            {
                if (outstanding.Count == confirmWindow)
                    await outstanding.Dequeue();
                outstanding.Enqueue(channel.BasicPublishAsync(string.Empty, queue, mandatory: false, properties, Body, cancellationToken).AsTask());
            }

            await Task.WhenAll(outstanding);
        }
    }
}
