using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace QueueFlow.Chaos;

/// <summary>
/// Plain-JSON task workers on the chaos workflow's queue. Each attempt's behaviour is drawn from the seed and
/// the attempt id, so a RunTask delivered twice is answered the same way twice: some fail (with retries
/// left), some answer twice, some answer late (the heartbeat task heartbeating meanwhile), some are never
/// answered so their timeout fires; doomed jobs fail their join for good. A RunTask is acked only after
/// its answer is confirmed, so a broker fault in between means it comes again and is answered again.
/// </summary>
internal sealed class SimulatedTaskWorkers(ChaosBroker broker, ChaosRecords records, int seed, Action<string> progress, long runStarted) : IAsyncDisposable
{
    // Late answers hold a handler for seconds; enough of them that the others keep flowing.
    const ushort Concurrency = 48;
    const ushort Prefetch = 96;

    static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    CancellationTokenSource _stopping = new();
    IChannel? _channel;
    string? _consumerTag;
    long _errors;
    int _inFlight;

    /// <summary>RunTasks being answered right now (late answers included).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Answers end when the run is interrupted or the workers are stopped, whichever comes first.
        _stopping.Dispose();
        _stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var answering = _stopping.Token;
        var channel = await broker.Connection.CreateChannelAsync(new CreateChannelOptions(false, false, consumerDispatchConcurrency: Concurrency), cancellationToken);
        _channel = channel;
        await channel.QueueDeclareAsync(ChaosWorkflow.TaskQueue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
        await channel.BasicQosAsync(0, Prefetch, global: false, cancellationToken);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) => HandleAsync(channel, delivery, answering);
        _consumerTag = await channel.BasicConsumeAsync(ChaosWorkflow.TaskQueue, autoAck: false, consumer, cancellationToken);
    }

    /// <summary>
    /// Stops taking RunTasks and ends the answers in flight (a late answer or a send retried through an outage
    /// would otherwise keep the channel open for ever); what they had not acked goes back to the queue.
    /// </summary>
    public async Task StopAsync()
    {
        if (_channel is not { } channel)
            return;
        try
        {
            if (_consumerTag is { } tag)
            {
                _consumerTag = null;
                await channel.BasicCancelAsync(tag).WaitAsync(StopTimeout);
            }
        }
        catch (Exception exception) when (ChaosBroker.IsOutage(exception))
        {
            // The channel is gone already: nothing is delivered to it any more.
        }

        await _stopping.CancelAsync();
        var deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(StopTimeout.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        while (InFlight > 0 && System.Diagnostics.Stopwatch.GetTimestamp() < deadline)
            await Task.Delay(50);
    }

    async Task HandleAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _inFlight);
        records.DispatchesBySecond.AddOrUpdate((int)System.Diagnostics.Stopwatch.GetElapsedTime(runStarted).TotalSeconds, 1, (_, n) => n + 1);
        try
        {
            await AnswerAsync(delivery, cancellationToken);
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, cancellationToken);
        }
        catch (Exception exception) when (ChaosBroker.IsOutage(exception) || exception is OperationCanceledException)
        {
            // Not acked: the broker delivers the RunTask again once it is back, and it is answered again.
            if (Interlocked.Increment(ref _errors) % 50 == 1)
                progress($"task worker: answer interrupted ({exception.GetType().Name}); the RunTask comes again");
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    async Task AnswerAsync(BasicDeliverEventArgs delivery, CancellationToken cancellationToken)
    {
        Guid jobId, attemptId;
        string taskId;
        int attempt;
        using (var run = JsonDocument.Parse(delivery.Body))
        {
            jobId = run.RootElement.GetProperty("jobId").GetGuid();
            attemptId = run.RootElement.GetProperty("attemptId").GetGuid();
            taskId = run.RootElement.GetProperty("taskId").GetString() ?? string.Empty;
            attempt = run.RootElement.GetProperty("attempt").GetInt32();
        }

        records.Dispatches.GetOrAdd(attemptId, _ => new Dispatch(jobId, taskId, attempt)).Receive();
        var doomed = records.Jobs.TryGetValue(jobId, out var start) && start.Doomed;
        var random = new Random(HashCode.Combine(seed, attemptId));
        var roll = random.NextDouble();
        var reply = new TaskReply(jobId, taskId, attemptId);

        if (doomed && taskId == ChaosWorkflow.JoinTask)
        {
            await FailAsync(reply, terminal: true, cancellationToken);
            return;
        }

        // Only the first two attempts misbehave, so with four retries every job that is not doomed completes.
        var mayMisbehave = attempt <= 2;
        if (mayMisbehave && roll < 0.08)
        {
            await FailAsync(reply, terminal: false, cancellationToken);
        }
        else if (mayMisbehave && taskId == ChaosWorkflow.TimeoutTask && roll < 0.16)
        {
            records.Ignored.TryAdd(attemptId, 0);
        }
        else if (roll < 0.24)
        {
            await CompleteAsync(reply, cancellationToken);
            await CompleteAsync(reply, cancellationToken);
        }
        else if (roll < 0.32)
        {
            await LateAsync(reply, taskId, random, cancellationToken);
            await CompleteAsync(reply, cancellationToken);
        }
        else
        {
            await CompleteAsync(reply, cancellationToken);
        }
    }

    /// <summary>Answers a few seconds late; the heartbeat task heartbeats meanwhile, more often than its timeout.</summary>
    async Task LateAsync(TaskReply reply, string taskId, Random random, CancellationToken cancellationToken)
    {
        var late = TimeSpan.FromSeconds(taskId == ChaosWorkflow.HeartbeatTask ? 4 + (random.NextDouble() * 6) : 1 + (random.NextDouble() * 3));
        var until = DateTimeOffset.UtcNow + late;
        while (DateTimeOffset.UtcNow < until)
        {
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(2, ChaosWorkflow.HeartbeatTimeoutSeconds / 2.0)), cancellationToken);
            if (taskId == ChaosWorkflow.HeartbeatTask)
            {
                await broker.SendAsync("TaskHeartbeat", JsonSerializer.Serialize(reply, JsonSerializerOptions.Web), cancellationToken);
                Interlocked.Increment(ref records.Heartbeats);
            }
        }
    }

    async Task CompleteAsync(TaskReply reply, CancellationToken cancellationToken)
    {
        var answer = JsonSerializer.Serialize(new { reply.JobId, reply.TaskId, reply.AttemptId, output = new { by = "chaos" } }, JsonSerializerOptions.Web);
        await broker.SendAsync("CompleteTask", answer, cancellationToken);
        ChaosRecords.Count(records.Completions, reply.AttemptId);
    }

    async Task FailAsync(TaskReply reply, bool terminal, CancellationToken cancellationToken)
    {
        var answer = JsonSerializer.Serialize(new { reply.JobId, reply.TaskId, reply.AttemptId, error = "simulated failure", terminal }, JsonSerializerOptions.Web);
        await broker.SendAsync("FailTask", answer, cancellationToken);
        ChaosRecords.Count(records.Failures, reply.AttemptId);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_channel is { } channel)
        {
            try
            {
                await channel.CloseAsync().WaitAsync(StopTimeout);
            }
            catch (Exception exception) when (ChaosBroker.IsOutage(exception))
            {
                // Already closed by the broker, or it did not answer in time.
            }

            channel.Dispose();
            _channel = null;
        }

        _stopping.Dispose();
    }
}
