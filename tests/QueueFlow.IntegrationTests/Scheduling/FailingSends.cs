namespace QueueFlow.IntegrationTests.Scheduling;

/// <summary>How many sends a <see cref="FailingSendEndpointProvider"/> refuses before it lets them through, and how many were tried.</summary>
public sealed class FailingSends(int failures)
{
    int _remaining = failures;
    int _attempts;

    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>Counts an attempt; true while it should fail.</summary>
    public bool Fail()
    {
        Interlocked.Increment(ref _attempts);
        return Interlocked.Decrement(ref _remaining) >= 0;
    }
}
