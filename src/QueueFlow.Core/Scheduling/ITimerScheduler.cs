namespace QueueFlow.Core.Scheduling;

/// <summary>
/// Durable timers: a message sent to a destination at a later time, kept in the database so it
/// survives a restart of every process and fires once across worker instances. Timers are named by a
/// key; scheduling a key again replaces its timer, so a retried schedule is harmless.
/// </summary>
/// <remarks>
/// The job saga never calls this directly: it writes timer requests to its outbox, in the same
/// transaction as the job, and the outbox relay calls this after commit. A timer that fires late or
/// twice is fenced by the attempt id it carries.
/// </remarks>
public interface ITimerScheduler
{
    /// <param name="key">Unique per timer, e.g. <c>{jobId}/{taskId}/{attemptId}/timeout</c>.</param>
    /// <param name="dueAt">When to send; a time in the past sends at once.</param>
    /// <param name="destination">Where to send, e.g. <c>queue:queueflow-jobs</c>.</param>
    /// <param name="message">A message contract instance.</param>
    Task ScheduleAsync(string key, DateTimeOffset dueAt, Uri destination, object message, CancellationToken cancellationToken);

    /// <summary>Removes the timer if it has not fired; unknown keys are ignored.</summary>
    Task CancelAsync(string key, CancellationToken cancellationToken);
}
