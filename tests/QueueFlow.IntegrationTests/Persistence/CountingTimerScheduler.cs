using QueueFlow.Core.Scheduling;

namespace QueueFlow.IntegrationTests.Persistence;

/// <summary>The real timer scheduler, counting the hand-overs it was asked for, so a test knows how often the relay tried.</summary>
public sealed class CountingTimerScheduler(ITimerScheduler inner) : ITimerScheduler
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public Task ScheduleAsync(string key, DateTimeOffset dueAt, Uri destination, object message, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return inner.ScheduleAsync(key, dueAt, destination, message, cancellationToken);
    }

    public Task CancelAsync(string key, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return inner.CancelAsync(key, cancellationToken);
    }
}
