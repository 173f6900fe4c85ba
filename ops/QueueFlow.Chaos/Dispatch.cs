namespace QueueFlow.Chaos;

/// <summary>One attempt as the simulated workers received it; <see cref="Received"/> above one is a duplicate on the wire.</summary>
internal sealed class Dispatch(Guid jobId, string taskId, int attempt)
{
    int _received;

    public Guid JobId { get; } = jobId;
    public string TaskId { get; } = taskId;
    public int Attempt { get; } = attempt;
    public int Received => Volatile.Read(ref _received);

    public int Receive() => Interlocked.Increment(ref _received);
}
