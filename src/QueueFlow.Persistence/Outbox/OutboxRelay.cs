using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace QueueFlow.Persistence.Outbox;

/// <summary>
/// Sends committed outbox rows to the broker, oldest first, and deletes them in the same transaction once
/// every send of the batch was confirmed; a failed batch rolls back and is sent again (at-least-once,
/// consumers deduplicate by message id). One relay at a time drains the table (a transaction-scoped
/// advisory lock), so several instances never send a row twice and a job's messages keep their order.
/// </summary>
public sealed partial class OutboxRelay(
    IDbContextFactory<QueueFlowDbContext> dbFactory,
    IBus bus,
    OutboxRelaySignal signal,
    IOptions<OutboxRelayOptions> options,
    TimeProvider clock,
    ILogger<OutboxRelay> logger,
    IHostApplicationLifetime? lifetime = null) : BackgroundService
{
    /// <summary>The advisory lock key that serializes relays across instances ("QFOUTBOX").</summary>
    public const long LockKey = 0x5146_4F55_5442_4F58;

    private readonly OutboxRelayOptions _options = options.Value;

    /// <summary>Relays one batch; returns how many rows it took (sent, or dropped as unreadable).</summary>
    public async Task<int> RelayBatchAsync(CancellationToken cancellationToken)
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
                    .FromSql($"""
                        DELETE FROM queueflow.outbox WHERE message_id IN (
                            SELECT message_id FROM queueflow.outbox ORDER BY sequence LIMIT {_options.BatchSize} FOR UPDATE SKIP LOCKED)
                        RETURNING *
                        """)
                    .AsNoTracking()
                    .ToListAsync(cancellationToken)
                    .ConfigureAwait(false);
                if (rows.Count == 0)
                    return 0;

                // Jobs are independent, so their messages go out concurrently; each job's own stay in order.
                var sends = rows
                    .OrderBy(r => r.Sequence)
                    .GroupBy(r => r.JobId)
                    .Select(job => SendInOrderAsync(job, cancellationToken));
                await Task.WhenAll(sends).ConfigureAwait(false);

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                LogRelayed(rows.Count);
                return rows.Count;
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
                var taken = await RelayBatchAsync(stoppingToken).ConfigureAwait(false);
                failures = 0;
                if (taken == _options.BatchSize)
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

    private async Task SendInOrderAsync(IEnumerable<OutboxMessage> rows, CancellationToken cancellationToken)
    {
        foreach (var row in rows)
        {
            // A row that can never be sent is dropped (and logged): kept, it would block every row behind it.
            var type = ContractTypes.Find(row.MessageType);
            if (type is null)
            {
                LogUnknownType(row.MessageId, row.JobId, row.MessageType);
                continue;
            }

            var message = Deserialize(row, type);
            if (message is null)
                continue;

            if (row.Destination is null)
            {
                await bus.Publish(message, type, Pipe.Execute<PublishContext>(context => Stamp(context, row)), cancellationToken)
                    .ConfigureAwait(false);
            }
            else
            {
                var endpoint = await bus.GetSendEndpoint(row.Destination).ConfigureAwait(false);
                await endpoint.Send(message, type, Pipe.Execute<SendContext>(context => Stamp(context, row)), cancellationToken)
                    .ConfigureAwait(false);
            }
        }
    }

    private object? Deserialize(OutboxMessage row, Type type)
    {
        try
        {
            return JsonSerializer.Deserialize(row.Body, type, OutboxMessages.Json);
        }
        catch (JsonException exception)
        {
            LogUnreadable(exception, row.MessageId, row.JobId, row.MessageType);
            return null;
        }
        catch (NotSupportedException exception)
        {
            LogUnreadable(exception, row.MessageId, row.JobId, row.MessageType);
            return null;
        }
    }

    private static void Stamp(SendContext context, OutboxMessage row)
    {
        context.MessageId = row.MessageId;
        if (row.RequestId is not null)
            context.RequestId = row.RequestId;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Relayed {Count} outbox messages")]
    private partial void LogRelayed(int count);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "Outbox relay pass failed ({Failures} in a row); its rows stay and are retried in {Backoff}")]
    private partial void LogPassFailed(Exception exception, int failures, TimeSpan backoff);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error,
        Message = "Dropped outbox message {MessageId} of job {JobId}: {MessageType} is not a QueueFlow contract")]
    private partial void LogUnknownType(Guid messageId, Guid? jobId, string messageType);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error,
        Message = "Dropped outbox message {MessageId} of job {JobId}: it does not deserialize as {MessageType}")]
    private partial void LogUnreadable(Exception exception, Guid messageId, Guid? jobId, string messageType);
}
