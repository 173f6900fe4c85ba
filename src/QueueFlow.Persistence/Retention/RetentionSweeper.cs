using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using QueueFlow.Core.Telemetry;

namespace QueueFlow.Persistence.Retention;

/// <summary>
/// Runs <see cref="JobRetention"/> and <see cref="DeadLetterRetention"/> every <see cref="RetentionOptions.Interval"/>
/// when a retention is set. Every instance sweeps; they skip each other's rows. A failed sweep is logged and tried
/// again at the next tick: nothing is lost by a late deletion.
/// </summary>
public sealed partial class RetentionSweeper(
    IDbContextFactory<QueueFlowDbContext> dbFactory, IOptions<RetentionOptions> options, TimeProvider clock, ILogger<RetentionSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retention = options.Value;
        if (!retention.DeletesAnything)
        {
            LogKeepingEverything();
            return;
        }

        LogSweeping(retention.FinishedJobs, retention.FailedJobs, retention.ResolvedDeadLetters, retention.Interval);
        using var timer = new PeriodicTimer(retention.Interval, clock);
        try
        {
            do
                await SweepOnceAsync(retention, stoppingToken).ConfigureAwait(false);
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    async Task SweepOnceAsync(RetentionOptions retention, CancellationToken cancellationToken)
    {
        try
        {
            var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                var now = clock.GetUtcNow();
                var jobs = await JobRetention.DeleteExpiredAsync(db, retention, now, cancellationToken).ConfigureAwait(false);
                var deadLetters = await DeadLetterRetention.DeleteExpiredAsync(db, retention, now, cancellationToken).ConfigureAwait(false);
                if (jobs > 0 || deadLetters > 0)
                    LogDeleted(jobs, deadLetters);
            }
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            QueueFlowMetrics.DatabaseError("retention");
            LogSweepFailed(error);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "No retention set (Retention__FinishedJobs, Retention__FailedJobs, Retention__ResolvedDeadLetters): every job and dead letter is kept")]
    partial void LogKeepingEverything();

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleting Completed and Cancelled jobs {Finished} and Failed jobs {Failed} after they ended, and dead letters {DeadLetters} after they were replayed or discarded, every {Interval}")]
    partial void LogSweeping(TimeSpan? finished, TimeSpan? failed, TimeSpan? deadLetters, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention deleted {Jobs} jobs with their tasks, history and idempotency keys, and {DeadLetters} resolved dead letters")]
    partial void LogDeleted(int jobs, int deadLetters);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A retention sweep failed; the next tick tries again")]
    partial void LogSweepFailed(Exception error);
}
