using System.Collections.Concurrent;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace QueueFlow.Bench.Ceilings;

/// <summary>
/// What a QueueFlow worker must do at the least for one message: commit its change (one transaction like the
/// PostgreSQL ceiling's, on a random one of <c>rows</c>), send its answer (persistent, confirmed), ack. It handles
/// as many messages at once as it has clients, each client on a connection of its own, as the worker has one per
/// handler. The answer carries the message's id as its correlation id, so a driver can tell which step it ends.
/// </summary>
internal sealed class StandInWorker(IChannel consumer, IChannel publisher) : IAsyncDisposable
{
    public static async Task<StandInWorker> StartAsync(
        IConnection connection, IReadOnlyCollection<CeilingClient> clients, Guid[] rows, string inbound, string outbound, CancellationToken cancellationToken)
    {
        var consumer = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false, consumerDispatchConcurrency: (ushort)clients.Count),
            cancellationToken);
        var publisher = await connection.CreateChannelAsync(FloorBroker.ConfirmedChannel, cancellationToken);
        await consumer.BasicQosAsync(0, BenchOptions.Prefetch, global: false, cancellationToken);

        // No more handlers run at once than there are clients, so one is always free when a handler starts.
        var idle = new ConcurrentBag<CeilingClient>(clients);
        var handler = new AsyncEventingBasicConsumer(consumer);
        handler.ReceivedAsync += async (_, delivery) =>
        {
            if (!idle.TryTake(out var client))
                throw new InvalidOperationException("More messages were handled at once than the stand-in has clients.");
            try
            {
                await client.RunOneAsync(rows[Random.Shared.Next(rows.Length)], cancellationToken);
            }
            finally
            {
                idle.Add(client);
            }

            var answer = FloorBroker.Persistent();
            answer.CorrelationId = delivery.BasicProperties.MessageId;
            await publisher.BasicPublishAsync(string.Empty, outbound, mandatory: false, answer, RabbitMqCeiling.Body, cancellationToken);
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
