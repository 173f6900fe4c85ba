using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using QueueFlow.Core.Telemetry;
using QueueFlow.Persistence.DeadLetters;

namespace QueueFlow.Persistence.Outbox;

/// <summary>
/// Sweeps the outbox for rows nobody sent: the instance that commits a job's rows sends them itself right after
/// its commit (<see cref="OutboxDispatcher"/>), so what waits here was left by a failed send, a broker outage
/// or a crashed instance. Each pass looks at the jobs with the oldest rows, takes the send lock of each job
/// that nobody holds (see <see cref="Jobs.JobLocks"/>; a job being sent right now is skipped) and sends that
/// job's rows in order, stopping at its first failure. Each row's send is judged on its own: sent rows are
/// deleted, a failed row stays with <c>attempts</c> + 1 and its <c>last_error</c> (broker outages do not count,
/// see <see cref="BrokerOutages"/>) and is moved to the dead-letter store (<c>dead_letters</c>, source Outbox) at
/// <see cref="OutboxRelayOptions.MaxAttempts"/>, all in the pass's one transaction, so one bad message never
/// blocks the others. Every instance sweeps, partitioned by job: no lock serialises them. Delivery is at least
/// once (a crash before the commit sends the rows again; consumers deduplicate by message id).
/// </summary>
public sealed partial class OutboxRelay(
    IDbContextFactory<QueueFlowDbContext> dbFactory,
    OutboxSender sender,
    OutboxRelaySignal signal,
    IOptions<OutboxRelayOptions> options,
    TimeProvider clock,
    ILogger<OutboxRelay> logger,
    IHostApplicationLifetime? lifetime = null) : BackgroundService
{
    /// <summary>
    /// An advisory lock ("QFOUTBOX") every pass takes shared, so passes run side by side; whoever takes it
    /// exclusively (maintenance, a test looking at rows) pauses every relay until it lets go.
    /// </summary>
    public const long LockKey = 0x5146_4F55_5442_4F58;

    // {0} is the batch size. The jobs with the oldest rows whose send lock nobody holds, locked for this transaction.
    private static readonly string LockJobsSql = $$"""
        WITH candidates AS MATERIALIZED (
            SELECT job_id, min(sequence) AS first FROM queueflow.outbox GROUP BY job_id ORDER BY first LIMIT {0})
        SELECT job_id AS "Value" FROM candidates
        WHERE pg_try_advisory_xact_lock({{Jobs.JobLocks.Class}}, {{Jobs.JobLocks.KeyOf("job_id::text")}})
        """;

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
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock_shared({LockKey})", cancellationToken).ConfigureAwait(false);

                // Two statements: the rows are read with a snapshot taken after the locks were granted, and FOR UPDATE
                // waits for a sender whose delete of them is not committed yet, then skips them. Ordered by sequence
                // and cut at the batch size, the rows taken of each job are its oldest, so each job's order holds.
                var jobs = await db.Database.SqlQueryRaw<Guid?>(LockJobsSql, _options.BatchSize)
                    .ToListAsync(cancellationToken)
                    .ConfigureAwait(false);
                if (jobs.Count == 0)
                    return OutboxRelayPass.Empty;
                var ids = jobs.OfType<Guid>().ToArray();
                var unowned = jobs.Contains(null);
                var rows = await db.Outbox
                    .FromSql($"""
                        SELECT * FROM queueflow.outbox
                        WHERE job_id = ANY({ids}) OR ({unowned} AND job_id IS NULL)
                        ORDER BY sequence LIMIT {_options.BatchSize} FOR UPDATE
                        """)
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
                    .Select(job => sender.SendInOrderAsync(job.ToList(), cancellationToken));
                var outcomes = (await Task.WhenAll(sends).ConfigureAwait(false)).SelectMany(o => o).ToList();

                var pass = await RecordAsync(db, outcomes, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                LogRelayed(pass.Sent, pass.Failed, pass.DeadLettered);
                OutboxSender.RecordSent(outcomes, clock.GetUtcNow());
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

    /// <summary>Deletes the sent rows, counts the failed ones and moves the hopeless ones to the dead letters.</summary>
    private async Task<OutboxRelayPass> RecordAsync(QueueFlowDbContext db, List<OutboxSendOutcome> outcomes, CancellationToken cancellationToken)
    {
        var sent = outcomes.Where(o => o.Kind == OutboxSendKind.Sent).Select(o => o.Row.MessageId).ToArray();
        if (sent.Length > 0)
        {
            await db.Database.ExecuteSqlAsync($"DELETE FROM queueflow.outbox WHERE message_id = ANY({sent})", cancellationToken)
                .ConfigureAwait(false);
        }

        var failed = 0;
        var deadLettered = 0;
        string? outageError = null;
        var now = clock.GetUtcNow();
        foreach (var outcome in outcomes.Where(o => o.Kind != OutboxSendKind.Sent))
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
            if (outcome.Kind == OutboxSendKind.Unsendable || attempts >= _options.MaxAttempts)
            {
                deadLettered++;
                var (_, taskId) = DeadLetterBodies.Ids(row.Body);
                await DeadLetterStore.CaptureAsync(db, new DeadLetterCapture
                {
                    MessageId = row.MessageId,
                    Source = DeadLetterSource.Outbox,
                    SourceName = "outbox",
                    MessageType = row.MessageType,
                    Destination = row.Destination?.ToString(),
                    Headers = row.Headers ?? "{}",
                    Body = row.Body,
                    Reason = $"not sent after {attempts} attempt(s): {outcome.Error}",
                    JobId = row.JobId,
                    TaskId = taskId,
                    SeenAt = now,
                }, cancellationToken).ConfigureAwait(false);
                await db.Database.ExecuteSqlAsync($"DELETE FROM queueflow.outbox WHERE message_id = {row.MessageId}", cancellationToken)
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

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Relayed outbox: {Sent} sent, {Failed} failed, {DeadLettered} dead-lettered")]
    private partial void LogRelayed(int sent, int failed, int deadLettered);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "Outbox relay pass failed ({Failures} in a row); its rows stay and are retried in {Backoff}")]
    private partial void LogPassFailed(Exception exception, int failures, TimeSpan backoff);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error,
        Message = "Dead-lettered outbox message {MessageId} of job {JobId} ({MessageType}) after {Attempts} attempt(s): {Error}")]
    private partial void LogDeadLettered(Guid messageId, Guid? jobId, string messageType, int attempts, string error);
}
