using QueueFlow.Bench.Services;
using RabbitMQ.Client;

namespace QueueFlow.Bench.Ceilings;

/// <summary>
/// The broker side both floors (<see cref="HopFloor"/>, <see cref="StepFloor"/>) run on: a driver's connection and a
/// stand-in worker's, and two fresh queues, an inbound one of the jobs queue's type (quorum) and an outbound one as
/// MassTransit declares a task queue (classic), deleted afterwards whatever happened; messages persistent and confirmed.
/// </summary>
internal static class FloorBroker
{
    /// <summary>Confirms tracked by the client, no limiter of its own: as the bench's driver publishes.</summary>
    public static CreateChannelOptions ConfirmedChannel { get; } =
        new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true, outstandingPublisherConfirmationsRateLimiter: null);

    public static BasicProperties Persistent() => new()
    {
        ContentType = "application/json",
        DeliveryMode = DeliveryModes.Persistent,
        MessageId = Guid.NewGuid().ToString(),
    };

    /// <summary>Runs <paramref name="run"/> with the driver's and the worker's connections and the inbound and outbound queues' names.</summary>
    public static async Task<T> RunAsync<T>(
        ServiceSettings settings, string queuePrefix, string floor, Func<IConnection, IConnection, string, string, Task<T>> run, CancellationToken cancellationToken)
    {
        var inbound = queuePrefix + "-in";
        var outbound = queuePrefix + "-out";
        var driver = await settings.ConnectAsync($"queueflow-bench {floor} driver", cancellationToken);
        await using (driver)
        {
            var worker = await settings.ConnectAsync($"queueflow-bench {floor} worker", cancellationToken);
            await using (worker)
            {
                await DeclareAsync(driver, inbound, outbound, cancellationToken);
                try
                {
                    return await run(driver, worker, inbound, outbound);
                }
                finally
                {
                    await DeleteAsync(driver, inbound, outbound);
                }
            }
        }
    }

    static async Task DeclareAsync(IConnection connection, string inbound, string outbound, CancellationToken cancellationToken)
    {
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await using (channel)
        {
            // Fresh queues each run, so nothing an interrupted earlier run left behind is delivered.
            await channel.QueueDeleteAsync(inbound, cancellationToken: cancellationToken);
            await channel.QueueDeleteAsync(outbound, cancellationToken: cancellationToken);
            await channel.QueueDeclareAsync(inbound, durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: cancellationToken);
            await channel.QueueDeclareAsync(outbound, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
        }
    }

    static async Task DeleteAsync(IConnection connection, string inbound, string outbound)
    {
        var channel = await connection.CreateChannelAsync();
        await using (channel)
        {
            await channel.QueueDeleteAsync(inbound);
            await channel.QueueDeleteAsync(outbound);
        }
    }
}
