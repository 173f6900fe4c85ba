namespace QueueFlow.IntegrationTests.Persistence;

/// <summary>A send that always fails, counting how often it was tried.</summary>
internal sealed class FailureCounter
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Fail()
    {
        Interlocked.Increment(ref _count);
        throw new InvalidOperationException("the broker refused this send (test)");
    }
}
