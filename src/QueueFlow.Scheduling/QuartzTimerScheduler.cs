using Microsoft.Extensions.Logging;
using QueueFlow.Core.Scheduling;
using QueueFlow.Core.Telemetry;
using Quartz;

namespace QueueFlow.Scheduling;

/// <summary>
/// Each timer is one Quartz job and one one-shot trigger, both named by the timer's key, in the
/// clustered job store: whichever instance acquires the trigger first fires it, once.
/// </summary>
public sealed class QuartzTimerScheduler(ISchedulerFactory schedulerFactory, TimeProvider time, ILogger<QuartzTimerScheduler> logger) : ITimerScheduler
{
    public async Task ScheduleAsync(string key, DateTimeOffset dueAt, Uri destination, object message, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(message);
        if (!destination.IsAbsoluteUri)
            throw new ArgumentException($"The destination of timer {key} must be an absolute address such as queue:name.", nameof(destination));
        var messageType = message.GetType();
        if (!TimerJobData.IsContract(messageType))
            throw new ArgumentException($"Timer {key} carries {messageType.FullName}, which is not a QueueFlow.Contracts message.", nameof(message));

        // Not durable: Quartz deletes the job in the same transaction that completes its trigger, so a
        // sent timer leaves nothing behind. Requests recovery: if the instance running it dies before
        // it completes, another instance fires it again (the saga fences a second delivery).
        var job = JobBuilder.Create<SendTimerJob>()
            .WithIdentity(key, TimerJobData.JobGroup)
            .UsingJobData(TimerJobData.Destination, destination.ToString())
            .UsingJobData(TimerJobData.MessageType, messageType.FullName!)
            .UsingJobData(TimerJobData.Message, TimerJobData.Serialize(message))
            .RequestRecovery()
            .Build();

        // The timer fires in the trace that set it, so a retry or a timeout shows in its job's trace.
        if (CarriedTrace.Current is { } trace)
        {
            job.JobDataMap[TimerJobData.TraceParent] = trace.TraceParent;
            if (trace.TraceState is not null)
                job.JobDataMap[TimerJobData.TraceState] = trace.TraceState;
        }

        // A time already past is made now, so the next acquisition takes it rather than Quartz's misfire
        // scan, which runs far less often. FireNow: a timer found past the misfire threshold (every
        // instance was down when it fell due) fires at once rather than being skipped as missed.
        var now = time.GetUtcNow();
        var trigger = TriggerBuilder.Create()
            .WithIdentity(key, TimerJobData.JobGroup)
            .ForJob(job)
            .StartAt(dueAt > now ? dueAt : now)
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();

        // One store operation under the store's lock: a re-schedule replaces job and trigger together,
        // so a retried or changed schedule of the same key leaves exactly one timer.
        await WithStoreAsync(key, async (scheduler, ct) => await scheduler.ScheduleJob(job, trigger, new ScheduleJobOptions { Replace = true }, ct).ConfigureAwait(false), cancellationToken)
            .ConfigureAwait(false);
        TimerLog.Scheduled(logger, key, dueAt, messageType.Name, destination);
    }

    public async Task CancelAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        // One store operation under the store's trigger lock: removing a non-durable job's last trigger removes the job
        // in the same transaction, and a trigger already gone (fired and completed, or never set) is simply not found.
        // DeleteJob would not do: it lists the job's triggers first, outside the lock, then unschedules each and throws
        // "Unable to unschedule trigger" when one was removed in between, which is what a timer firing at the moment
        // its job ends (and cancels it) does.
        var found = false;
        await WithStoreAsync(key, async (scheduler, ct) => found = await scheduler.UnscheduleJob(new TriggerKey(key, TimerJobData.JobGroup), ct).ConfigureAwait(false), cancellationToken)
            .ConfigureAwait(false);
        TimerLog.Cancelled(logger, key, found);
    }

    /// <summary>
    /// Runs one store operation, turning the failures that say nothing about the timer into
    /// <see cref="TimerStoreUnavailableException"/>: a scheduler that has shut down (a stopping host's outbox
    /// may still hand timers over; counted as failed attempts, they were dead-lettered and the timer lost) and
    /// a transient database error such as a deadlock between instances replacing heartbeat timers.
    /// </summary>
    private async Task WithStoreAsync(string key, Func<IScheduler, CancellationToken, Task> operation, CancellationToken cancellationToken)
    {
        IScheduler scheduler;
        try
        {
            scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        }
        catch (SchedulerException exception)
        {
            throw new TimerStoreUnavailableException($"timer {key}: the scheduler is not available: {exception.Message}", exception);
        }

        try
        {
            await operation(scheduler, cancellationToken).ConfigureAwait(false);
        }
        catch (SchedulerException exception) when (scheduler.Status is SchedulerStatus.ShuttingDown or SchedulerStatus.Shutdown || IsTransient(exception))
        {
            throw new TimerStoreUnavailableException($"timer {key}: the timer store is unavailable: {exception.Message}", exception);
        }
    }

    private static bool IsTransient(Exception exception)
    {
        for (var current = exception.InnerException; current is not null; current = current.InnerException)
        {
            if (current is Npgsql.NpgsqlException { IsTransient: true })
                return true;
        }

        return false;
    }
}
