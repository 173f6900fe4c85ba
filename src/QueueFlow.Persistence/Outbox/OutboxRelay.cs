using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;
using QueueFlow.Core.Scheduling;
using QueueFlow.Core.Telemetry;

namespace QueueFlow.Persistence.Outbox;

/// <summary>
/// Sends committed outbox rows to the broker, oldest first, with publisher confirms. Each row's send is
/// judged on its own: sent rows are deleted, a failed row stays with <c>attempts</c> + 1 and its
/// <c>last_error</c> (broker outages do not count, see <see cref="BrokerOutages"/>) and is moved to
/// <c>outbox_dead_letters</c> at <see cref="OutboxRelayOptions.MaxAttempts"/>, all in the pass's one
/// transaction, so one bad message never blocks the others. A job's messages keep their order: behind a
/// failed row, that job's later rows wait for the next pass. Delivery is at least once (a crash before the
/// commit sends the batch again; consumers deduplicate by message id). One relay at a time drains the
/// table (a transaction-scoped advisory lock), so several instances never send a row twice.
/// </summary>
public sealed partial class OutboxRelay(
    IDbContextFactory<QueueFlowDbContext> dbFactory,
    IBus bus,
    OutboxRelaySignal signal,
    IOptions<OutboxRelayOptions> options,
    TimeProvider clock,
    ILogger<OutboxRelay> logger,
    IHostApplicationLifetime? lifetime = null,
    ITimerScheduler? timers = null) : BackgroundService
{
    /// <summary>The advisory lock key that serializes relays across instances ("QFOUTBOX").</summary>
    public const long LockKey = 0x5146_4F55_5442_4F58;

    // last_error and the dead letter's error hold the exception's type and message, cut to this length.
    private const int MaxErrorLength = 2000;

    private readonly OutboxRelayOptions _options = options.Value;

    /// <summary>Relays one batch: sends what it can, records what failed, commits both.</summary>
    public async Task<OutboxRelayPass> RelayBatchAsync(CancellationToken cancellationToken)
    {
        var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LockKey})", cancellationToken).ConfigureAwait(false);

                // SKIP LOCKED still matters for anything that takes rows without the advisory lock.
                var rows = await db.Outbox
                    .FromSql($"SELECT * FROM queueflow.outbox ORDER BY sequence LIMIT {_options.BatchSize} FOR UPDATE SKIP LOCKED")
                    .AsNoTracking()
                    .ToListAsync(cancellationToken)
                    .ConfigureAwait(false);
                if (rows.Count == 0)
                    return OutboxRelayPass.Empty;

                // Started only once there is work, so an idle relay polling the table makes no traces.
                using var passSpan = QueueFlowTelemetry.ActivitySource.StartActivity(QueueFlowTelemetry.Spans.RelayPass);
                passSpan?.SetTag("queueflow.outbox.rows", rows.Count);

                // Jobs are independent, so their messages go out concurrently; each job's own stay in order.
                var sends = rows
                    .GroupBy(r => r.JobId)
                    .Select(job => SendInOrderAsync(job.ToList(), cancellationToken));
                var outcomes = (await Task.WhenAll(sends).ConfigureAwait(false)).SelectMany(o => o).ToList();

                var pass = await RecordAsync(db, outcomes, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                LogRelayed(pass.Sent, pass.Failed, pass.DeadLettered);
                RecordSent(outcomes);
                return pass with { Taken = rows.Count };
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Hosted services start in registration order; the bus may not be up before the host has started.
        if (lifetime is not null && !await Started(lifetime, stoppingToken).ConfigureAwait(false))
            return;

        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var pass = await RelayBatchAsync(stoppingToken).ConfigureAwait(false);
                if (pass.Outage)
                    throw new OutboxRelayOutageException(pass.OutageError);

                failures = 0;

                // A full batch means more rows wait; after a failed row the next pass waits for a signal or the
                // poll interval, so a poison row is retried at that pace instead of spinning through its attempts.
                if (pass.Taken == _options.BatchSize && pass.Failed == 0)
                    continue;

                await signal.WaitAsync(_options.PollInterval, clock, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                failures++;
                if (exception is not OutboxRelayOutageException)
                    QueueFlowMetrics.DatabaseError("outbox-relay");
                var backoff = Backoff(failures);
                LogPassFailed(exception, failures, backoff);

                // Signals are ignored while backing off: the broker or database is not taking work.
                try
                {
                    await Task.Delay(backoff, clock, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    private static async Task<bool> Started(IHostApplicationLifetime lifetime, CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        try
        {
            await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var factor = Math.Pow(2, Math.Min(failures - 1, 16));
        var backoff = _options.PollInterval * factor;
        return backoff < _options.MaxBackoff ? backoff : _options.MaxBackoff;
    }

    /// <summary>Sends one job's rows in order and stops at its first failure: the rest wait, unsent and uncounted.</summary>
    private async Task<List<RowOutcome>> SendInOrderAsync(List<OutboxMessage> rows, CancellationToken cancellationToken)
    {
        var outcomes = new List<RowOutcome>(rows.Count);
        foreach (var row in rows)
        {
            var outcome = await SendAsync(row, cancellationToken).ConfigureAwait(false);
            outcomes.Add(outcome);
            if (outcome.Kind == RowOutcomeKind.Failed)
                break;
        }

        return outcomes;
    }

    private async Task<RowOutcome> SendAsync(OutboxMessage row, CancellationToken cancellationToken)
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

        using var scope = row.JobId is { } jobId ? logger.BeginScope(new JobLogScope(jobId)) : null;
        var outcome = await SendRowAsync(row, cancellationToken).ConfigureAwait(false);
        if (outcome.Kind != RowOutcomeKind.Sent)
        {
            span?.SetStatus(ActivityStatusCode.Error, outcome.Error);
            if (outcome.Outage || outcome.Kind == RowOutcomeKind.Failed)
                QueueFlowMetrics.BrokerError("outbox-send");
        }

        return outcome;
    }

    private async Task<RowOutcome> SendRowAsync(OutboxMessage row, CancellationToken cancellationToken)
    {
        // A row that can never be read is dead-lettered at once: retrying cannot help, and kept it would block its job.
        var type = ContractTypes.Find(row.MessageType);
        if (type is null)
            return RowOutcome.Unsendable(row, $"{row.MessageType} is not a QueueFlow contract");

        object? message;
        try
        {
            message = JsonSerializer.Deserialize(row.Body, type, OutboxMessages.Json);
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException)
        {
            return RowOutcome.Unsendable(row, $"the body does not deserialize as {row.MessageType}: {exception.GetType().Name}");
        }

        if (message is null)
            return RowOutcome.Unsendable(row, $"the body is JSON null, not a {row.MessageType}");
        var sent = RowOutcome.Sent(row, (message as RunTask)?.Workflow);

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
                var watch = await bus.GetSendEndpoint(new Uri($"exchange:{WatchDestination.Exchange}?type=direct")).ConfigureAwait(false);
                await watch.Send(message, type, Pipe.Execute<SendContext>(context =>
                {
                    Stamp(context, row);
                    context.SetRoutingKey(watcher);
                }), timeout.Token).ConfigureAwait(false);
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
            // Stopping: the pass rolls back and its rows are sent again by the next relay.
            throw;
        }
        catch (Exception exception)
        {
            var outage = BrokerOutages.IsOutage(exception, bus);
            if (!outage)
                LogSendFailed(exception, row.MessageId, row.JobId, row.MessageType, row.Attempts + 1, _options.MaxAttempts);

            return RowOutcome.Failure(row, exception, outage);
        }
    }

    /// <summary>
    /// A timer row goes to the durable timer store instead of the broker. When it fires, its message is
    /// sent to the exchange named after its contract, which reaches every endpoint that consumes it.
    /// </summary>
    private async Task HandTimerOverAsync(TimerRequest timer, Type type, object message, CancellationToken cancellationToken)
    {
        var scheduler = timers ?? throw new InvalidOperationException("the outbox holds a timer, but no timer scheduler is configured");
        if (timer.IsCancel)
            await scheduler.CancelAsync(timer.Key, cancellationToken).ConfigureAwait(false);
        else
            await scheduler.ScheduleAsync(timer.Key, timer.DueAt!.Value, new Uri($"exchange:{type.Namespace}:{type.Name}"), message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the sent rows, counts the failed ones and moves the hopeless ones to the dead letters.</summary>
    private async Task<OutboxRelayPass> RecordAsync(QueueFlowDbContext db, List<RowOutcome> outcomes, CancellationToken cancellationToken)
    {
        var sent = outcomes.Where(o => o.Kind == RowOutcomeKind.Sent).Select(o => o.Row.MessageId).ToArray();
        if (sent.Length > 0)
        {
            await db.Database.ExecuteSqlAsync($"DELETE FROM queueflow.outbox WHERE message_id = ANY({sent})", cancellationToken)
                .ConfigureAwait(false);
        }

        var failed = 0;
        var deadLettered = 0;
        string? outageError = null;
        var now = clock.GetUtcNow();
        foreach (var outcome in outcomes.Where(o => o.Kind != RowOutcomeKind.Sent))
        {
            var row = outcome.Row;
            if (outcome.Outage)
            {
                // Not the message's fault: attempts stay, the error is kept for whoever looks at the row.
                outageError ??= outcome.Error;
                failed++;
                await db.Database.ExecuteSqlAsync(
                        $"UPDATE queueflow.outbox SET last_error = {outcome.Error} WHERE message_id = {row.MessageId}", cancellationToken)
                    .ConfigureAwait(false);
                continue;
            }

            var attempts = row.Attempts + 1;
            if (outcome.Kind == RowOutcomeKind.Unsendable || attempts >= _options.MaxAttempts)
            {
                deadLettered++;
                await db.Database.ExecuteSqlAsync($"""
                        INSERT INTO queueflow.outbox_dead_letters
                            (message_id, sequence, job_id, message_type, destination, request_id, body, created_at, attempts, error, dead_lettered_at)
                        SELECT message_id, sequence, job_id, message_type, destination, request_id, body, created_at, {attempts}, {outcome.Error}, {now}
                        FROM queueflow.outbox WHERE message_id = {row.MessageId}
                        ON CONFLICT (message_id) DO NOTHING;
                        DELETE FROM queueflow.outbox WHERE message_id = {row.MessageId}
                        """, cancellationToken)
                    .ConfigureAwait(false);
                LogDeadLettered(row.MessageId, row.JobId, row.MessageType, attempts, outcome.Error);
                QueueFlowMetrics.OutboxDeadLettered(row.MessageType);
                continue;
            }

            failed++;
            await db.Database.ExecuteSqlAsync(
                    $"UPDATE queueflow.outbox SET attempts = {attempts}, last_error = {outcome.Error} WHERE message_id = {row.MessageId}",
                    cancellationToken)
                .ConfigureAwait(false);
        }

        return new OutboxRelayPass(0, sent.Length, failed, deadLettered, outageError);
    }

    /// <summary>Counts what the committed pass sent; a RunTask's latency runs from the receipt of the command that caused it.</summary>
    private void RecordSent(List<RowOutcome> outcomes)
    {
        var now = clock.GetUtcNow();
        foreach (var outcome in outcomes)
        {
            if (outcome.Kind != RowOutcomeKind.Sent)
                continue;
            QueueFlowMetrics.OutboxSent(outcome.Row.MessageType);
            if (outcome.DispatchedWorkflow is { } workflow)
                QueueFlowMetrics.TaskDispatched(now - outcome.Row.CreatedAt, workflow);
        }
    }

    private static void Stamp(SendContext context, OutboxMessage row)
    {
        context.MessageId = row.MessageId;
        if (row.RequestId is not null)
            context.RequestId = row.RequestId;
    }

    private static string Describe(Exception exception)
    {
        var text = $"{exception.GetType().FullName}: {exception.Message}";
        return text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Relayed outbox: {Sent} sent, {Failed} failed, {DeadLettered} dead-lettered")]
    private partial void LogRelayed(int sent, int failed, int deadLettered);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "Outbox relay pass failed ({Failures} in a row); its rows stay and are retried in {Backoff}")]
    private partial void LogPassFailed(Exception exception, int failures, TimeSpan backoff);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error,
        Message = "Dead-lettered outbox message {MessageId} of job {JobId} ({MessageType}) after {Attempts} attempt(s): {Error}")]
    private partial void LogDeadLettered(Guid messageId, Guid? jobId, string messageType, int attempts, string error);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning,
        Message = "Sending outbox message {MessageId} of job {JobId} ({MessageType}) failed, attempt {Attempt} of {MaxAttempts}; the job's later messages wait")]
    private partial void LogSendFailed(Exception exception, Guid messageId, Guid? jobId, string messageType, int attempt, int maxAttempts);

    private enum RowOutcomeKind
    {
        Sent,
        Failed,
        Unsendable,
    }

    private sealed record RowOutcome(OutboxMessage Row, RowOutcomeKind Kind, string Error, bool Outage, string? DispatchedWorkflow = null)
    {
        /// <param name="dispatchedWorkflow">The workflow of a RunTask, whose send is a task's dispatch.</param>
        public static RowOutcome Sent(OutboxMessage row, string? dispatchedWorkflow) => new(row, RowOutcomeKind.Sent, string.Empty, Outage: false, dispatchedWorkflow);

        public static RowOutcome Failure(OutboxMessage row, Exception exception, bool outage) =>
            new(row, RowOutcomeKind.Failed, Describe(exception), outage);

        public static RowOutcome Unsendable(OutboxMessage row, string error) => new(row, RowOutcomeKind.Unsendable, error, Outage: false);
    }
}
