using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace QueueFlow.Persistence.Counts;

/// <summary>
/// Folds <c>status_count_changes</c> into <c>status_counts</c> every <see cref="Interval"/>, so the change rows a read
/// adds up stay few (about four per task completion between two folds). Counts stay exact without it; only reads get
/// slower while the changes pile up, so a failed fold is logged and tried again at the next tick.
/// </summary>
public sealed partial class StatusCountFolding(IDbContextFactory<QueueFlowDbContext> dbFactory, TimeProvider clock, ILogger<StatusCountFolding> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
                await FoldOnceAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    async Task FoldOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                var folded = await StatusCounts.FoldAsync(db, cancellationToken).ConfigureAwait(false);
                if (folded > 0)
                    LogFolded(folded);
            }
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFoldFailed(error);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Folded {ChangeRows} status count changes into the totals")]
    partial void LogFolded(int changeRows);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Folding the status count changes failed; the counts stay exact and the next tick tries again")]
    partial void LogFoldFailed(Exception error);
}
