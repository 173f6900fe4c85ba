using System.Diagnostics;
using System.Globalization;
using QueueFlow.Bench.Reporting;
using QueueFlow.Bench.Services;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace QueueFlow.Bench.Ceilings;

/// <summary>
/// The throughput counterpart of the <see cref="HopFloor"/>: as many steps in flight as the QueueFlow run keeps jobs,
/// each step the hop floor's (a persistent, confirmed message into a quorum queue; a stand-in worker that commits one
/// transaction like the PostgreSQL ceiling's and answers with a persistent, confirmed message into a classic queue),
/// and the driver sending a new step as soon as an answer arrives, as the simulated workers answer each RunTask with
/// the next CompleteTask. The stand-in handles as many messages at once as the worker has handlers, each on a
/// connection of its own, and nothing of QueueFlow runs. So this is the most steps per second these services allow
/// with one transaction and two confirmed messages per step on this machine, and its CPU per step, split by process,
/// is what those services alone cost per completion: the ceilings measure each service with the machine to itself,
/// this measures them sharing it, as they do under QueueFlow.
/// </summary>
internal sealed class StepFloor(ServiceSettings settings, string queuePrefix)
{
    public Task<StepFloorResult> RunAsync(
        IReadOnlyCollection<CeilingClient> clients, Guid[] rows, int inFlight, int steps, int warmup, CancellationToken cancellationToken) =>
        FloorBroker.RunAsync(settings, queuePrefix, "step-floor", async (driver, worker, inbound, outbound) =>
        {
            await using var standIn = await StandInWorker.StartAsync(worker, clients, rows, inbound, outbound, cancellationToken);
            await using var loop = await ClosedLoop.StartAsync(driver, inbound, outbound, inFlight, cancellationToken);
            if (warmup > 0)
                await loop.RunAsync(warmup, cancellationToken);

            using var process = Process.GetCurrentProcess();
            var before = CpuSplit.Read(process.TotalProcessorTime, TimeSpan.Zero);
            var started = Stopwatch.GetTimestamp();
            var latencies = await loop.RunAsync(steps, cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(started);
            process.Refresh();
            var cpu = CpuSplit.Read(process.TotalProcessorTime, TimeSpan.Zero) - before;
            return new StepFloorResult(steps, inFlight, clients.Count, elapsed, cpu, LatencySummary.Of(latencies));
        }, cancellationToken);

    /// <summary>
    /// Keeps a number of steps in flight: each answer is acked once the next step's message is confirmed, as the
    /// simulated workers ack a RunTask once the broker confirmed their CompleteTask.
    /// </summary>
    sealed class ClosedLoop(IChannel consumer, IChannel publisher, string inbound, int inFlight) : IAsyncDisposable
    {
        Pass? _pass;

        public static async Task<ClosedLoop> StartAsync(IConnection connection, string inbound, string outbound, int inFlight, CancellationToken cancellationToken)
        {
            var consumer = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false, consumerDispatchConcurrency: BenchOptions.PostgresClients),
                cancellationToken);
            var publisher = await connection.CreateChannelAsync(FloorBroker.ConfirmedChannel, cancellationToken);
            await consumer.BasicQosAsync(0, BenchOptions.Prefetch, global: false, cancellationToken);
            var loop = new ClosedLoop(consumer, publisher, inbound, inFlight);
            var handler = new AsyncEventingBasicConsumer(consumer);
            handler.ReceivedAsync += (_, delivery) => loop.AnsweredAsync(delivery, cancellationToken);
            await consumer.BasicConsumeAsync(outbound, autoAck: false, handler, cancellationToken);
            return loop;
        }

        /// <summary>Runs <paramref name="steps"/> steps and returns each one's time from its send to its answer, in ms.</summary>
        public async Task<List<double>> RunAsync(int steps, CancellationToken cancellationToken)
        {
            var pass = new Pass(steps);
            _pass = pass;
            var first = Math.Min(inFlight, steps);
            pass.Issued = first;
            for (var i = 0; i < first; i++)
                await SendAsync(cancellationToken);
            await pass.Done.Task.WaitAsync(TimeSpan.FromMinutes(5), cancellationToken);
            return pass.Latencies;
        }

        async Task AnsweredAsync(BasicDeliverEventArgs delivery, CancellationToken cancellationToken)
        {
            var arrived = Stopwatch.GetTimestamp();
            var pass = _pass!;
            if (long.TryParse(delivery.BasicProperties.CorrelationId, NumberStyles.None, CultureInfo.InvariantCulture, out var sent))
            {
                lock (pass.Latencies)
                    pass.Latencies.Add(Stopwatch.GetElapsedTime(sent, arrived).TotalMilliseconds);
            }

            if (Interlocked.Increment(ref pass.Issued) <= pass.Steps)
                await SendAsync(cancellationToken);
            await consumer.BasicAckAsync(delivery.DeliveryTag, multiple: false, cancellationToken);
            if (Interlocked.Increment(ref pass.Answered) == pass.Steps)
                pass.Done.TrySetResult();
        }

        /// <summary>A step's message, its id the time it was sent (the stand-in's answer carries it back).</summary>
        Task SendAsync(CancellationToken cancellationToken)
        {
            var properties = FloorBroker.Persistent();
            properties.MessageId = Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture);
            return publisher.BasicPublishAsync(string.Empty, inbound, mandatory: false, properties, RabbitMqCeiling.Body, cancellationToken).AsTask();
        }

        public async ValueTask DisposeAsync()
        {
            await consumer.CloseAsync();
            consumer.Dispose();
            await publisher.CloseAsync();
            publisher.Dispose();
        }

        sealed class Pass(int steps)
        {
            public int Steps { get; } = steps;

            public int Issued;

            public int Answered;

            public List<double> Latencies { get; } = new(steps);

            public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}
