using System.Text;
using QueueFlow.Bench.Services;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace QueueFlow.Bench.Driving;

/// <summary>
/// The driver's side of the broker, speaking as any-language producers and workers do: plain JSON
/// bytes, the contract in <c>MT-MessageType</c>, persistent, confirmed. Commands go straight to the
/// bench's own jobs queue (default exchange), never to a contract's fan-out exchange, so a dev worker
/// on the same broker never sees them.
/// </summary>
internal sealed class BenchBroker : IAsyncDisposable
{
    readonly IConnection _connection;
    readonly IChannel _publisher;

    int _disconnects;

    BenchBroker(IConnection connection, IChannel publisher)
    {
        _connection = connection;
        _publisher = publisher;

        // The client recovers by itself; the count tells the report that the broker went away meanwhile.
        connection.ConnectionShutdownAsync += (_, _) =>
        {
            Interlocked.Increment(ref _disconnects);
            return Task.CompletedTask;
        };
    }

    public IConnection Connection => _connection;

    public int Disconnects => Volatile.Read(ref _disconnects);

    public static async Task<BenchBroker> ConnectAsync(ServiceSettings settings, CancellationToken cancellationToken)
    {
        var connection = await settings.ConnectAsync("queueflow-bench driver", cancellationToken);
        var publisher = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true, outstandingPublisherConfirmationsRateLimiter: null),
            cancellationToken);
        return new BenchBroker(connection, publisher);
    }

    public static string MessageTypeOf(string contract) => $"urn:message:QueueFlow.Contracts:{contract}";

    /// <summary>Sends to <paramref name="queue"/> and completes when the broker confirmed it.</summary>
    public ValueTask SendAsync(string queue, string contract, string json, CancellationToken cancellationToken, IDictionary<string, object?>? headers = null)
    {
        var allHeaders = new Dictionary<string, object?>(headers ?? new Dictionary<string, object?>()) { ["MT-MessageType"] = MessageTypeOf(contract) };
        var properties = new BasicProperties
        {
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            MessageId = Guid.NewGuid().ToString(),
            Headers = allHeaders,
        };
        return _publisher.BasicPublishAsync(string.Empty, queue, mandatory: false, properties, Encoding.UTF8.GetBytes(json), cancellationToken);
    }

    /// <summary>Consumers on <paramref name="queue"/> and messages in it; null when it does not exist (yet).</summary>
    public async Task<(uint Consumers, uint Messages)?> InspectAsync(string queue, CancellationToken cancellationToken)
    {
        // A passive declare of a missing queue closes its channel, so each probe gets a channel of its own.
        var channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await using (channel)
        {
            try
            {
                var ok = await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
                return (ok.ConsumerCount, ok.MessageCount);
            }
            catch (OperationInterruptedException exception) when (exception.ShutdownReason?.ReplyCode == 404)
            {
                return null;
            }
        }
    }

    /// <summary>Empties a queue of the bench's own if it exists: leftovers of an interrupted run must not be counted.</summary>
    public async Task PurgeIfPresentAsync(string queue, CancellationToken cancellationToken)
    {
        if (await InspectAsync(queue, cancellationToken) is null)
            return;
        var channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await using (channel)
            await channel.QueuePurgeAsync(queue, cancellationToken);
    }

    /// <summary>Deletes a queue and the exchange of the same name MassTransit binds to it, if present.</summary>
    public async Task DeleteQueueAndExchangeAsync(string name)
    {
        var channel = await _connection.CreateChannelAsync();
        await using (channel)
        {
            await channel.QueueDeleteAsync(name);
            await channel.ExchangeDeleteAsync(name);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _publisher.CloseAsync();
        _publisher.Dispose();
        await _connection.CloseAsync();
        _connection.Dispose();
    }
}
