using QueueFlow.Core.Workflows;

namespace QueueFlow.Core.Scheduling;

/// <summary>
/// How long a failed attempt waits before the next: exponential from the task's first delay, capped,
/// with jitter so that many tasks failing together do not retry together. The jitter is drawn from the
/// failed attempt's id, so the same failure always gets the same delay.
/// </summary>
public static class RetryBackoff
{
    public static TimeSpan Delay(TaskDefinition task, int failedAttempt, Guid attemptId)
    {
        ArgumentNullException.ThrowIfNull(task);
        var exponential = task.RetryDelay.TotalSeconds * Math.Pow(task.RetryBackoffMultiplier, Math.Max(0, failedAttempt - 1));
        var capped = Math.Min(exponential, task.MaxRetryDelay.TotalSeconds);
        var unit = (BitConverter.ToUInt32(attemptId.ToByteArray(), 0) / (double)uint.MaxValue * 2) - 1;
        return TimeSpan.FromSeconds(Math.Max(0, capped * (1 + (task.RetryJitter * unit))));
    }
}
