using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace QueueFlow.IntegrationTests.Infrastructure;

/// <summary>
/// A producer and worker that knows nothing of MassTransit: plain JSON bytes and AMQP headers through
/// RabbitMQ.Client, as a client in any language would speak to QueueFlow.
/// </summary>
public sealed class RawAmqpClient : IAsyncDisposable
{
    readonly IConnection _connection;
    readonly IChannel _channel;
    readonly List<string> _ownQueues = [];

    RawAmqpClient(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public static async Task<RawAmqpClient> ConnectAsync()
    {
        var factory = new ConnectionFactory
        {
            HostName = TestSettings.RabbitHost,
            Port = TestSettings.RabbitPort,
            VirtualHost = TestSettings.RabbitVirtualHost,
            UserName = TestSettings.RabbitUsername,
            Password = TestSettings.RabbitPassword,
        };
        var connection = await factory.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        return new RawAmqpClient(connection, channel);
    }

    public static string MessageTypeOf(string contract) => $"urn:message:QueueFlow.Contracts:{contract}";

    /// <summary>A header of a delivered message as text: AMQP carries strings as bytes; null when absent.</summary>
    public static string? HeaderText(IDictionary<string, object?> headers, string name) =>
        headers.TryGetValue(name, out var value) ? value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : value?.ToString() : null;

    /// <summary>Publishes JSON text; <paramref name="contract"/> null leaves the type header out; a new message id unless one is given.</summary>
    public async Task PublishAsync(string exchange, string? contract, string json, string? routingKey = null, IDictionary<string, object?>? headers = null, Guid? messageId = null)
    {
        var allHeaders = new Dictionary<string, object?>(headers ?? new Dictionary<string, object?>());
        if (contract is not null)
            allHeaders["MT-MessageType"] = MessageTypeOf(contract);

        var properties = new BasicProperties
        {
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            MessageId = (messageId ?? Guid.NewGuid()).ToString(),
            Headers = allHeaders,
        };
        await _channel.BasicPublishAsync(exchange, routingKey ?? string.Empty, mandatory: false, properties, Encoding.UTF8.GetBytes(json));
    }

    /// <summary>A durable queue of this test's own, deleted when the client is disposed.</summary>
    public async Task<string> DeclareQueueAsync(string name)
    {
        await _channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false);
        _ownQueues.Add(name);
        return name;
    }

    /// <summary>Binds a queue of this test's own to a direct exchange, declared as MassTransit declares it (durable).</summary>
    public async Task BindAsync(string queue, string exchange, string routingKey)
    {
        await DeclareQueueAsync(queue);
        await _channel.ExchangeDeclareAsync(exchange, ExchangeType.Direct, durable: true, autoDelete: false);
        await _channel.QueueBindAsync(queue, exchange, routingKey);
    }

    /// <summary>Binds a queue of this test's own to a fanout exchange, declared as MassTransit declares a published contract's.</summary>
    public async Task BindFanoutAsync(string queue, string exchange)
    {
        await DeclareQueueAsync(queue);
        await _channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        await _channel.QueueBindAsync(queue, exchange, string.Empty);
    }

    /// <summary>Declares a durable exchange of the given type with nothing bound to it.</summary>
    public Task DeclareExchangeAsync(string exchange, string type) =>
        _channel.ExchangeDeclareAsync(exchange, type, durable: true, autoDelete: false);

    /// <summary>Consumes a queue, handing each message's JSON and headers to <paramref name="handle"/>, then acking it.</summary>
    public async Task ConsumeAsync(string queue, Func<JsonElement, IDictionary<string, object?>, Task> handle)
    {
        await DeclareQueueAsync(queue);
        var consumer = new AsyncEventingBasicConsumer(_channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            using var document = JsonDocument.Parse(delivery.Body);
            await handle(document.RootElement.Clone(), delivery.BasicProperties.Headers ?? new Dictionary<string, object?>());
            await _channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
        };
        await _channel.BasicConsumeAsync(queue, autoAck: false, consumer);
    }

    /// <summary>Collects every message arriving on a queue of this test's own.</summary>
    public async Task<ConcurrentQueue<JsonElement>> CollectAsync(string queue)
    {
        var received = new ConcurrentQueue<JsonElement>();
        await ConsumeAsync(queue, (message, _) =>
        {
            received.Enqueue(message);
            return Task.CompletedTask;
        });
        return received;
    }

    /// <summary>Collects every message arriving on a queue of this test's own with the message id of its AMQP properties.</summary>
    public async Task<ConcurrentQueue<(string? MessageId, JsonElement Body)>> CollectWithIdsAsync(string queue)
    {
        await DeclareQueueAsync(queue);
        var received = new ConcurrentQueue<(string? MessageId, JsonElement Body)>();
        var consumer = new AsyncEventingBasicConsumer(_channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            using var document = JsonDocument.Parse(delivery.Body);
            received.Enqueue((delivery.BasicProperties.MessageId, document.RootElement.Clone()));
            await _channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
        };
        await _channel.BasicConsumeAsync(queue, autoAck: false, consumer);
        return received;
    }

    /// <summary>Takes one message from a queue, if there is one, with its headers as text.</summary>
    public async Task<(string Body, Dictionary<string, string> Headers)?> GetAsync(string queue)
    {
        var result = await _channel.BasicGetAsync(queue, autoAck: true);
        if (result is null)
            return null;

        var headers = (result.BasicProperties.Headers ?? new Dictionary<string, object?>())
            .ToDictionary(h => h.Key, h => h.Value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : h.Value?.ToString() ?? string.Empty);
        return (Encoding.UTF8.GetString(result.Body.Span), headers);
    }

    /// <summary>
    /// Empties a quorum queue QueueFlow owns (such as an error queue), declaring it first with the
    /// arguments QueueFlow gives it, since MassTransit creates an error queue only on the first fault.
    /// </summary>
    public async Task PurgeQuorumQueueAsync(string queue)
    {
        await _channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
        await _channel.QueuePurgeAsync(queue);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var queue in _ownQueues)
            await _channel.QueueDeleteAsync(queue);
        await _channel.CloseAsync();
        await _connection.CloseAsync();
        _channel.Dispose();
        _connection.Dispose();
    }
}
