using System.Collections.Concurrent;

namespace QueueFlow.Bench.Driving;

/// <summary>Every job this run started, by id: messages about any other job (a dev worker's) are ignored.</summary>
internal sealed class JobBoard
{
    readonly ConcurrentDictionary<Guid, JobProgress> _jobs = new();
    int _unknownDispatches;

    public int UnknownDispatches => Volatile.Read(ref _unknownDispatches);

    public JobProgress Add(Guid jobId, bool measured)
    {
        var job = new JobProgress(jobId, measured);
        if (!_jobs.TryAdd(jobId, job))
            throw new InvalidOperationException($"job {jobId} was started twice");
        return job;
    }

    public JobProgress? Find(Guid jobId) => _jobs.GetValueOrDefault(jobId);

    public void CountUnknownDispatch() => Interlocked.Increment(ref _unknownDispatches);

    public IReadOnlyList<JobProgress> Measured => [.. _jobs.Values.Where(j => j.Measured)];

    public IReadOnlyList<Guid> AllIds => [.. _jobs.Keys];
}
