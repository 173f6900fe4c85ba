using System.Diagnostics;

namespace QueueFlow.Bench.Driving;

/// <summary>
/// What the driver saw of one job, in <see cref="Stopwatch"/> ticks. A chain has one task running at a
/// time, so the gap between answering a task and receiving the next RunTask belongs to exactly one hop.
/// </summary>
internal sealed class JobProgress(Guid jobId, bool measured)
{
    readonly Lock _gate = new();
    readonly HashSet<Guid> _attempts = [];
    readonly List<double> _hopMilliseconds = [];
    readonly List<long> _answeredAt = [];
    readonly TaskCompletionSource<string> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    long _lastAnswerPublishedAt;

    public Guid JobId => jobId;
    public bool Measured => measured;
    public long StartPublishedAt { get; set; }
    public long FirstDispatchAt { get; private set; }
    public long FinishedAt { get; private set; }
    public int Answers { get; private set; }
    public int DuplicateDispatches { get; private set; }

    /// <summary>Completes with the final event's name (JobCompleted, JobFailed) when the job ends.</summary>
    public Task<string> Finished => _finished.Task;

    public IReadOnlyList<double> HopMilliseconds
    {
        get
        {
            lock (_gate)
                return [.. _hopMilliseconds];
        }
    }

    /// <summary>When each task was answered: the completions' timeline, for the rate by quarter of the run.</summary>
    public IReadOnlyList<long> AnsweredAt
    {
        get
        {
            lock (_gate)
                return [.. _answeredAt];
        }
    }

    /// <summary>A RunTask arrived; false when this attempt was already seen (a redelivery).</summary>
    public bool Dispatched(Guid attemptId, long at)
    {
        lock (_gate)
        {
            if (!_attempts.Add(attemptId))
            {
                DuplicateDispatches++;
                return false;
            }

            if (_lastAnswerPublishedAt != 0)
                _hopMilliseconds.Add(Stopwatch.GetElapsedTime(_lastAnswerPublishedAt, at).TotalMilliseconds);
            else
                FirstDispatchAt = at;
            return true;
        }
    }

    public void Answering(long at)
    {
        lock (_gate)
        {
            _lastAnswerPublishedAt = at;
            _answeredAt.Add(at);
            Answers++;
        }
    }

    public void Finish(string how, long at)
    {
        lock (_gate)
        {
            if (FinishedAt == 0)
                FinishedAt = at;
        }

        _finished.TrySetResult(how);
    }
}
