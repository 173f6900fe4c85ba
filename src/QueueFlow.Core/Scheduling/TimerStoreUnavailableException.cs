namespace QueueFlow.Core.Scheduling;

/// <summary>
/// The timer store could not take a request for reasons that say nothing about the timer itself: this
/// instance's scheduler has shut down (the host is stopping) or the store's database failed transiently
/// (a deadlock, a lost connection). The outbox treats it like a broker outage: the row waits for the next
/// pass or another instance, and the failure never counts toward dead-lettering it.
/// </summary>
public sealed class TimerStoreUnavailableException : Exception
{
    public TimerStoreUnavailableException()
    {
    }

    public TimerStoreUnavailableException(string message)
        : base(message)
    {
    }

    public TimerStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
