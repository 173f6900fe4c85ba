using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace QueueFlow.Chaos;

/// <summary>
/// The driver's broker connection, built to live through the faults it causes: the client recovers the
/// connection, channels and consumers by itself, and every send is retried until the broker confirms it,
/// as a careful producer in any language would. A send is recorded only once it is confirmed.
/// </summary>
internal sealed class ChaosBroker : IAsyncDisposable
{
    public const string JobsQueue = "queueflow-jobs";

    static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(500);
    static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    // Enough for any backlog a run can build; a browse never runs away.
    const int BrowseLimit = 200_000;

    readonly IConnection _connection;
    readonly IChannel _publisher;

    ChaosBroker(IConnection connection, IChannel publisher)
    {
        _connection = connection;
        _publisher = publisher;
    }

    public IConnection Connection => _connection;

    public static async Task<ChaosBroker> ConnectAsync(string host, int port, string user, string password, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            HostName = host,
            Port = port,
            UserName = user,
            Password = password,
            ClientProvidedName = "queueflow-chaos driver",
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = TimeSpan.FromSeconds(1),
        };
        var connection = await factory.CreateConnectionAsync(cancellationToken);
        var publisher = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        return new ChaosBroker(connection, publisher);
    }

    /// <summary>Sends to QueueFlow's jobs queue and returns once the broker confirmed it, retrying through outages.</summary>
    public async Task SendAsync(string contract, string json, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(json);
        while (true)
        {
            try
            {
                var properties = new BasicProperties
                {
                    ContentType = "application/json",
                    DeliveryMode = DeliveryModes.Persistent,
                    MessageId = Guid.NewGuid().ToString(),
                    Headers = new Dictionary<string, object?> { ["MT-MessageType"] = $"urn:message:QueueFlow.Contracts:{contract}" },
                };
                await _publisher.BasicPublishAsync(string.Empty, JobsQueue, mandatory: false, properties, body, cancellationToken);
                return;
            }
            catch (Exception exception) when (IsOutage(exception) && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(RetryPause, cancellationToken);
            }
        }
    }

    /// <summary>Consumers on and messages in <paramref name="queue"/>, or null if it is missing or the broker is away.</summary>
    public async Task<(uint Consumers, uint Messages)?> InspectAsync(string queue, CancellationToken cancellationToken)
    {
        try
        {
            var channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
            await using (channel)
            {
                var ok = await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
                return (ok.ConsumerCount, ok.MessageCount);
            }
        }
        catch (Exception exception) when (IsOutage(exception) && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads every message in <paramref name="queue"/> without taking it (fetched unacked, given back when the
    /// channel closes) and hands each one's contract and body to <paramref name="seen"/>; returns how many there
    /// were. For the end of a run, when nothing consumes the queue any more.
    /// </summary>
    public async Task<long> BrowseAsync(string queue, Action<string, ReadOnlyMemory<byte>> seen, CancellationToken cancellationToken)
    {
        var channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await using (channel)
        {
            long count = 0;
            while (count < BrowseLimit && await channel.BasicGetAsync(queue, autoAck: false, cancellationToken) is { } message)
            {
                count++;
                var contract = message.BasicProperties.Headers?.TryGetValue("MT-MessageType", out var type) == true && type is byte[] bytes
                    ? Encoding.UTF8.GetString(bytes)
                    : string.Empty;
                seen(contract, message.Body);
            }

            await channel.CloseAsync(cancellationToken).WaitAsync(CloseTimeout, cancellationToken);
            return count;
        }
    }

    /// <summary>Anything a broker going away or a channel being closed under us throws.</summary>
    public static bool IsOutage(Exception exception) =>
        exception is AlreadyClosedException or OperationInterruptedException or PublishException or BrokerUnreachableException
            or IOException or ObjectDisposedException or TimeoutException
        || (exception is OperationCanceledException && exception.InnerException is not null);

    /// <summary>Closes the connection, bounded: one the broker never answers is aborted, so the driver always exits.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _publisher.CloseAsync().WaitAsync(CloseTimeout);
            await _connection.CloseAsync(CloseTimeout).WaitAsync(CloseTimeout * 2);
        }
        catch (Exception exception) when (IsOutage(exception))
        {
            // Closed by the broker already, or it did not answer: nothing left to wait for.
            await _connection.AbortAsync(CloseTimeout).WaitAsync(CloseTimeout * 2).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        _publisher.Dispose();
        _connection.Dispose();
    }
}
