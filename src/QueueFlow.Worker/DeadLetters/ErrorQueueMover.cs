using Microsoft.Extensions.Options;
using QueueFlow.Persistence.DeadLetters;
using QueueFlow.Worker.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace QueueFlow.Worker.DeadLetters;

/// <summary>
/// Empties QueueFlow's error queues into the dead-letter store. Each message is acknowledged only after its row is
/// committed; when the database cannot take it, this queue's consumer stops and its channel closes, which returns every
/// unacknowledged message to the queue, and it starts again after <see cref="DeadLetterOptions.RetryInterval"/>. So a
/// message that arrives while the database is down stays in the queue. Several instances consume as competing consumers.
/// </summary>
public sealed partial class ErrorQueueMover(
    DeadLetterStore store,
    IOptions<DeadLetterOptions> options,
    IOptions<EndpointOptions> endpoints,
    IOptions<RabbitMqOptions> rabbit,
    TimeProvider clock,
    ILogger<ErrorQueueMover> logger) : BackgroundService
{
    readonly DeadLetterOptions _options = options.Value;

    /// <summary>The error queues this instance empties: configured, or derived from the endpoints' queue names.</summary>
    public IReadOnlyList<string> Queues =>
        _options.ErrorQueues.Count > 0 ? _options.ErrorQueues : [endpoints.Value.Name($"{endpoints.Value.JobsQueue}_error"), endpoints.Value.Name($"{endpoints.Value.WorkflowsQueue}_error")];

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _options.Enabled ? Task.WhenAll(Queues.Select(q => MoveAsync(q, stoppingToken))) : Task.CompletedTask;

    async Task MoveAsync(string queue, CancellationToken stoppingToken)
    {
        var settings = rabbit.Value;
        var factory = new ConnectionFactory
        {
            HostName = settings.Host,
            Port = settings.Port,
            VirtualHost = settings.VirtualHost,
            UserName = settings.Username,
            Password = settings.Password,
            ClientProvidedName = $"queueflow-dead-letters:{queue}",
        };

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var failure = await ConsumeUntilFailureAsync(factory, queue, stoppingToken).ConfigureAwait(false);
                LogStopped(failure, queue, _options.RetryInterval);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
            {
                // MassTransit declares an error queue with the first fault; until then there is nothing to move.
                LogQueueMissing(queue, _options.RetryInterval);
            }
            catch (Exception e)
            {
                LogStopped(e, queue, _options.RetryInterval);
            }

            try
            {
                await Task.Delay(_options.RetryInterval, clock, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Consumes until a capture or the connection fails; disposing the channel then requeues what was not acknowledged.</summary>
    async Task<Exception> ConsumeUntilFailureAsync(ConnectionFactory factory, string queue, CancellationToken stoppingToken)
    {
        var connection = await factory.CreateConnectionAsync(stoppingToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
            await using (channel.ConfigureAwait(false))
            {
                await channel.QueueDeclarePassiveAsync(queue, stoppingToken).ConfigureAwait(false);
                await channel.BasicQosAsync(0, _options.PrefetchCount, global: false, stoppingToken).ConfigureAwait(false);

                var failed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
                connection.ConnectionShutdownAsync += (_, args) =>
                {
                    failed.TrySetResult(new InvalidOperationException($"the broker connection closed: {args.ReplyText}"));
                    return Task.CompletedTask;
                };

                var consumer = new AsyncEventingBasicConsumer(channel);
                consumer.ReceivedAsync += async (_, delivery) =>
                {
                    if (failed.Task.IsCompleted)
                        return;
                    try
                    {
                        var capture = ErrorQueueCapture.From(queue, delivery.BasicProperties, delivery.Body, clock.GetUtcNow());
                        await store.CaptureAsync(capture, stoppingToken).ConfigureAwait(false);
                        await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, stoppingToken).ConfigureAwait(false);
                        LogMoved(queue, capture.MessageId, capture.JobId, capture.TaskId, capture.MessageType);
                    }
                    catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                    {
                        failed.TrySetResult(e);
                    }
                };

                await channel.BasicConsumeAsync(queue, autoAck: false, consumer, stoppingToken).ConfigureAwait(false);
                return await failed.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Moved message {MessageId} of job {JobId} task {TaskId} ({MessageType}) from {Queue} to the dead-letter store")]
    partial void LogMoved(string queue, Guid? messageId, Guid? jobId, string? taskId, string? messageType);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "Moving {Queue} to the dead-letter store stopped; its messages stay in the queue and it starts again in {RetryInterval}")]
    partial void LogStopped(Exception exception, string queue, TimeSpan retryInterval);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Error queue {Queue} does not exist yet; looking again in {RetryInterval}")]
    partial void LogQueueMissing(string queue, TimeSpan retryInterval);
}
