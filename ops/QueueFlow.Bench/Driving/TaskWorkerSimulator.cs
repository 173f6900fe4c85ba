using System.Diagnostics;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace QueueFlow.Bench.Driving;

/// <summary>
/// Stands in for the task workers: takes each RunTask from the workflow's queue and answers at once with
/// a plain-JSON CompleteTask, acking the RunTask only after the broker confirmed the answer, as a
/// careful worker in any language would. Zero work per task, so what is left is QueueFlow's own cost.
/// </summary>
internal sealed class TaskWorkerSimulator(BenchBroker broker, JobBoard board, string jobsQueue) : IAsyncDisposable
{
    // Enough concurrent handlers that waiting for confirms never becomes the bottleneck being measured.
    const ushort DispatchConcurrency = 16;
    const ushort Prefetch = 64;

    IChannel? _channel;

    public async Task StartAsync(string taskQueue, CancellationToken cancellationToken)
    {
        var channel = await broker.Connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false, consumerDispatchConcurrency: DispatchConcurrency), cancellationToken);
        _channel = channel;

        // As MassTransit declares a send endpoint's queue, so neither side's declaration conflicts.
        await channel.QueueDeclareAsync(taskQueue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
        await channel.BasicQosAsync(0, Prefetch, global: false, cancellationToken);

        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) => AnswerAsync(channel, delivery, cancellationToken);
        await channel.BasicConsumeAsync(taskQueue, autoAck: false, consumer, cancellationToken);
    }

    async Task AnswerAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken cancellationToken)
    {
        var receivedAt = Stopwatch.GetTimestamp();
        Guid jobId, attemptId;
        string taskId;
        using (var run = JsonDocument.Parse(delivery.Body))
        {
            jobId = run.RootElement.GetProperty("jobId").GetGuid();
            attemptId = run.RootElement.GetProperty("attemptId").GetGuid();
            taskId = run.RootElement.GetProperty("taskId").GetString() ?? string.Empty;
        }

        if (board.Find(jobId) is { } job)
        {
            job.Dispatched(attemptId, receivedAt);
            job.Answering(Stopwatch.GetTimestamp());
            var answer = JsonSerializer.Serialize(new { jobId, taskId, attemptId, output = new { ok = true } }, JsonSerializerOptions.Web);
            await broker.SendAsync(jobsQueue, "CompleteTask", answer, cancellationToken);
        }
        else
        {
            board.CountUnknownDispatch();
        }

        await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is null)
            return;
        await _channel.CloseAsync();
        _channel.Dispose();
    }
}
