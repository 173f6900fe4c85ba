using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using QueueFlow.Core.Telemetry;

namespace QueueFlow.Persistence.Retention;

/// <summary>
/// Runs <see cref="JobRetention"/> every <see cref="RetentionOptions.Interval"/> when a retention is set. Every
/// instance sweeps; they skip each other's rows. A failed sweep is logged and tried again at the next tick: nothing
/// is lost by a late deletion.
/// </summary>
public sealed partial class JobRetentionSweeper(
    IDbContextFactory<QueueFlowDbContext> dbFactory, IOptions<RetentionOptions> options, TimeProvider clock, ILogger<JobRetentionSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retention = options.Value;
        if (retention.FinishedJobs is null && retention.FailedJobs is null)
        {
            LogKeepingEverything();
            return;
        }

        LogSweeping(retention.FinishedJobs, retention.FailedJobs, retention.Interval);
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
                var deleted = await JobRetention.DeleteExpiredAsync(db, retention, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                if (deleted > 0)
                    LogDeleted(deleted);
            }
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            QueueFlowMetrics.DatabaseError("retention");
            LogSweepFailed(error);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "No retention set (Retention__FinishedJobs, Retention__FailedJobs): every job is kept")]
    partial void LogKeepingEverything();

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleting Completed and Cancelled jobs {Finished} and Failed jobs {Failed} after they ended, every {Interval}")]
    partial void LogSweeping(TimeSpan? finished, TimeSpan? failed, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention deleted {Jobs} jobs with their tasks, history and idempotency keys")]
    partial void LogDeleted(int jobs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A retention sweep failed; the next tick tries again")]
    partial void LogSweepFailed(Exception error);
}
