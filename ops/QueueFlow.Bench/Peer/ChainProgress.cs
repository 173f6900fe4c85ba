using System.Diagnostics;

namespace QueueFlow.Bench.Peer;

/// <summary>What the driver heard of one peer chain from the server process, in <see cref="Stopwatch"/> ticks.</summary>
internal sealed class ChainProgress(bool measured)
{
    readonly Lock _gate = new();
    readonly List<double> _waits = [];
    readonly List<long> _stepsAt = [];
    readonly TaskCompletionSource<long> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Measured => measured;

    /// <summary>Completes with the timestamp at which the chain's last step was reported Succeeded.</summary>
    public Task<long> Finished => _finished.Task;

    public IReadOnlyList<double> WaitMilliseconds
    {
        get
        {
            lock (_gate)
                return [.. _waits];
        }
    }

    public IReadOnlyList<long> StepsAt
    {
        get
        {
            lock (_gate)
                return [.. _stepsAt];
        }
    }

    /// <summary>A step started; <paramref name="waitedMilliseconds"/> is null for the first step.</summary>
    public void Stepped(double? waitedMilliseconds, long at)
    {
        lock (_gate)
        {
            _stepsAt.Add(at);
            if (waitedMilliseconds is { } waited)
                _waits.Add(waited);
        }
    }

    public void Finish(long at) => _finished.TrySetResult(at);
}
