namespace QueueFlow.Bench.Driving;

/// <summary>What <c>queueflow.jobs</c> says of the run's jobs: how many Completed, which not, which absent.</summary>
internal sealed record JobVerification(int Expected, int Completed, IReadOnlyList<(Guid JobId, string Status)> NotCompleted, IReadOnlyList<Guid> Missing)
{
    public bool AllCompleted => Completed == Expected;
}
