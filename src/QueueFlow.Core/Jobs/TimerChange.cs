using QueueFlow.Core.Scheduling;

namespace QueueFlow.Core.Jobs;

/// <summary>
/// A timer the job sets or removes. Written to the outbox with the job's change and handed to the timer store after
/// commit, so a timer exists exactly when the committed job says it does.
/// </summary>
/// <param name="Timer">Its key, and when it fires; no time removes it.</param>
/// <param name="Message">What comes back to the job when it fires (for a removal, what it would have sent).</param>
/// <param name="Id">The outbox row's id.</param>
public sealed record TimerChange(TimerRequest Timer, object Message, Guid Id)
{
    public static TimerChange Set(string key, DateTimeOffset dueAt, object message) => new(new TimerRequest(key, dueAt), message, MassTransit.NewId.NextGuid());

    public static TimerChange Cancel(string key, object message) => new(new TimerRequest(key, null), message, MassTransit.NewId.NextGuid());
}
