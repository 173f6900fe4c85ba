using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;
using QueueFlow.Core.Scheduling;
using QueueFlow.Core.Telemetry;

namespace QueueFlow.Persistence.Outbox;

/// <summary>
/// Sends outbox rows to the broker (or, for timer rows, to the durable timer store), each with the message id
/// and request id it was committed with, and judges each send on its own. Used right after a job's commit by
/// <see cref="OutboxDispatcher"/> and for what is left behind by <see cref="OutboxRelay"/>; callers keep a
/// job's rows in order by stopping at its first failure and by holding the job's lock (see
/// <see cref="Jobs.JobLocks"/>) while they send.
/// </summary>
public sealed partial class OutboxSender(
    IBus bus,
    IOptions<OutboxRelayOptions> options,
    ILogger<OutboxSender> logger,
    ITimerScheduler? timers = null)
{
    private readonly OutboxRelayOptions _options = options.Value;

    /// <summary>Sends one job's rows in order and stops at its first failure: the rest wait, unsent and uncounted.</summary>
    internal async Task<List<OutboxSendOutcome>> SendInOrderAsync(IReadOnlyList<OutboxMessage> rows, CancellationToken cancellationToken)
    {
        var outcomes = new List<OutboxSendOutcome>(rows.Count);
        foreach (var row in rows)
        {
            var outcome = await SendAsync(row, cancellationToken).ConfigureAwait(false);
            outcomes.Add(outcome);
            if (outcome.Kind == OutboxSendKind.Failed)
                break;
        }

        return outcomes;
    }

    /// <summary>Counts what was sent once it is committed as sent; a RunTask's latency runs from the receipt of the command that caused it.</summary>
    internal static void RecordSent(IEnumerable<OutboxSendOutcome> outcomes, DateTimeOffset now)
    {
        foreach (var outcome in outcomes)
        {
            if (outcome.Kind != OutboxSendKind.Sent)
                continue;
            QueueFlowMetrics.OutboxSent(outcome.Row.MessageType);
            if (outcome.DispatchedWorkflow is { } workflow)
                QueueFlowMetrics.TaskDispatched(now - outcome.Row.CreatedAt, workflow);
        }
    }

    private async Task<OutboxSendOutcome> SendAsync(OutboxMessage row, CancellationToken cancellationToken)
    {
        // Parented by the span that committed the row: MassTransit's send span becomes its child and carries the
        // context on in the message's headers, so the consumer continues the same trace.
        using var span = QueueFlowTelemetry.ActivitySource.StartActivity(
            QueueFlowTelemetry.Spans.RelaySend, ActivityKind.Internal, OutboxMessages.TraceOf(row),
            links: Activity.Current is { } pass ? [new ActivityLink(pass.Context)] : null);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(QueueFlowTelemetry.Tags.JobId, row.JobId?.ToString());
            span.SetTag(QueueFlowTelemetry.Tags.MessageType, row.MessageType);
            span.SetTag("messaging.message.id", row.MessageId.ToString());
        }

        // With no span recorded, the row's own context is what its message passes on (see CarriedTrace).
        using var carried = CarriedTrace.Carry(row.TraceParent, row.TraceState);
        using var scope = row.JobId is { } jobId ? logger.BeginScope(new JobLogScope(jobId)) : null;
        var outcome = await SendRowAsync(row, cancellationToken).ConfigureAwait(false);
        if (outcome.Kind != OutboxSendKind.Sent)
        {
            span?.SetStatus(ActivityStatusCode.Error, outcome.Error);
            if (outcome.Outage || outcome.Kind == OutboxSendKind.Failed)
                QueueFlowMetrics.BrokerError("outbox-send");
        }

        return outcome;
    }

    private async Task<OutboxSendOutcome> SendRowAsync(OutboxMessage row, CancellationToken cancellationToken)
    {
        // A row that can never be read is dead-lettered at once: retrying cannot help, and kept it would block its job.
        var type = ContractTypes.Find(row.MessageType);
        if (type is null)
            return OutboxSendOutcome.Unsendable(row, $"{row.MessageType} is not a QueueFlow contract");

        object? message;
        try
        {
            message = JsonSerializer.Deserialize(row.Body, type, OutboxMessages.Json);
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException)
        {
            return OutboxSendOutcome.Unsendable(row, $"the body does not deserialize as {row.MessageType}: {exception.GetType().Name}");
        }

        if (message is null)
            return OutboxSendOutcome.Unsendable(row, $"the body is JSON null, not a {row.MessageType}");
        var sent = OutboxSendOutcome.Sent(row, (message as RunTask)?.Workflow);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.SendTimeout);
        try
        {
            if (TimerRequest.From(row.Destination) is { } timer)
            {
                await HandTimerOverAsync(timer, type, message, timeout.Token).ConfigureAwait(false);
                return sent;
            }

            if (WatchDestination.WatcherOf(row.Destination) is { } watcher)
            {
                // One direct exchange for every watcher, keyed by name: a watcher binds its queue once and gets all its jobs.
                var watch = await bus.GetSendEndpoint(new Uri($"exchange:{_options.EntityPrefix}{WatchDestination.Exchange}?type=direct")).ConfigureAwait(false);
                await watch.Send(message, type, Pipe.Execute<SendContext>(context =>
                {
                    Stamp(context, row);
                    context.SetRoutingKey(watcher);
                }), timeout.Token).ConfigureAwait(false);
            }
            else if (TaskQueueDestination.QueueOf(row.Destination) is { } queue)
            {
                var endpoint = await bus.GetSendEndpoint(new Uri($"queue:{_options.EntityPrefix}{queue}")).ConfigureAwait(false);
                await endpoint.Send(message, type, Pipe.Execute<SendContext>(context => Stamp(context, row)), timeout.Token)
                    .ConfigureAwait(false);
            }
            else if (row.Destination is null)
            {
                await bus.Publish(message, type, Pipe.Execute<PublishContext>(context => Stamp(context, row)), timeout.Token)
                    .ConfigureAwait(false);
            }
            else
            {
                var endpoint = await bus.GetSendEndpoint(row.Destination).ConfigureAwait(false);
                await endpoint.Send(message, type, Pipe.Execute<SendContext>(context => Stamp(context, row)), timeout.Token)
                    .ConfigureAwait(false);
            }

            return sent;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the row stays and is sent by whoever relays next.
            throw;
        }
        catch (Exception exception)
        {
            var outage = BrokerOutages.IsOutage(exception, bus);
            if (!outage)
                LogSendFailed(exception, row.MessageId, row.JobId, row.MessageType, row.Attempts + 1, _options.MaxAttempts);

            return OutboxSendOutcome.Failure(row, exception, outage);
        }
    }

    /// <summary>
    /// A timer row goes to the durable timer store instead of the broker. When it fires, its message is
    /// sent to the deployment's exchange of its contract (the name the bus publishes it to, prefix included),
    /// which reaches every endpoint of this deployment that consumes it and no other deployment's. The address
    /// is short (no host), so a timer stored by one instance is sent by any other, however it names the broker.
    /// </summary>
    private async Task HandTimerOverAsync(TimerRequest timer, Type type, object message, CancellationToken cancellationToken)
    {
        var scheduler = timers ?? throw new InvalidOperationException("the outbox holds a timer, but no timer scheduler is configured");
        if (timer.IsCancel)
            await scheduler.CancelAsync(timer.Key, cancellationToken).ConfigureAwait(false);
        else
            await scheduler.ScheduleAsync(timer.Key, timer.DueAt!.Value, new Uri($"exchange:{_options.EntityPrefix}{type.Namespace}:{type.Name}"), message, cancellationToken).ConfigureAwait(false);
    }

    private static void Stamp(SendContext context, OutboxMessage row)
    {
        context.MessageId = row.MessageId;
        if (row.RequestId is not null)
            context.RequestId = row.RequestId;
        if (row.Headers is null)
            return;

        // A replay's provenance (and the replayed message's own headers) travel as headers the saga records.
        var headers = JsonSerializer.Deserialize<Dictionary<string, string>>(row.Headers, OutboxMessages.Json);
        foreach (var (name, value) in headers ?? [])
            context.Headers.Set(name, value);
    }

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning,
        Message = "Sending outbox message {MessageId} of job {JobId} ({MessageType}) failed, attempt {Attempt} of {MaxAttempts}; the job's later messages wait")]
    private partial void LogSendFailed(Exception exception, Guid messageId, Guid? jobId, string messageType, int attempt, int maxAttempts);
}
