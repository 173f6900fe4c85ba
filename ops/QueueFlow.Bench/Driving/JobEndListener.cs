using System.Diagnostics;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace QueueFlow.Bench.Driving;

/// <summary>
/// Learns when each job ends from the events QueueFlow publishes (JobCompleted, JobFailed), through a
/// private queue bound to their exchanges, exactly as an ops dashboard would.
/// </summary>
internal sealed class JobEndListener(BenchBroker broker, JobBoard board) : IAsyncDisposable
{
    static readonly string[] Events = ["JobCompleted", "JobFailed"];

    IChannel? _channel;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var channel = await broker.Connection.CreateChannelAsync(cancellationToken: cancellationToken);
        _channel = channel;

        // Server-named, exclusive, auto-deleted: it lives exactly as long as this run.
        var queue = (await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true, cancellationToken: cancellationToken)).QueueName;
        foreach (var name in Events)
        {
            // MassTransit's publish topology: a durable fan-out exchange named after the contract.
            var exchange = $"QueueFlow.Contracts:{name}";
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
            await channel.QueueBindAsync(queue, exchange, string.Empty, cancellationToken: cancellationToken);
        }

        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            Observe(delivery);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer, cancellationToken);
    }

    void Observe(BasicDeliverEventArgs delivery)
    {
        var at = Stopwatch.GetTimestamp();
        using var message = JsonDocument.Parse(delivery.Body);
        if (!message.RootElement.TryGetProperty("jobId", out var id) || !id.TryGetGuid(out var jobId))
            return;
        var how = delivery.Exchange.EndsWith("JobCompleted", StringComparison.Ordinal) ? "Completed" : "Failed";
        board.Find(jobId)?.Finish(how, at);
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is null)
            return;
        await _channel.CloseAsync();
        _channel.Dispose();
    }
}
