using System.Collections.Concurrent;

namespace QueueFlow.Chaos;

/// <summary>
/// What the driver and the simulated task workers did, by their own account: the half of the ledger that
/// does not come from QueueFlow's database. Only what the broker confirmed counts as sent.
/// </summary>
internal sealed class ChaosRecords
{
    /// <summary>Jobs whose StartJob the broker confirmed: whether each is meant to fail, and when it was first sent.</summary>
    public ConcurrentDictionary<Guid, JobStart> Jobs { get; } = new();

    /// <summary>RunTask deliveries by second of the run: the throughput the faults are judged by.</summary>
    public ConcurrentDictionary<int, int> DispatchesBySecond { get; } = new();

    /// <summary>Every RunTask received, by attempt: how often it arrived.</summary>
    public ConcurrentDictionary<Guid, Dispatch> Dispatches { get; } = new();

    /// <summary>CompleteTask messages confirmed by the broker, by attempt (an attempt answered twice counts two).</summary>
    public ConcurrentDictionary<Guid, int> Completions { get; } = new();

    /// <summary>FailTask messages confirmed by the broker, by attempt.</summary>
    public ConcurrentDictionary<Guid, int> Failures { get; } = new();

    /// <summary>Attempts deliberately left unanswered: their start-to-close timer must fire, once.</summary>
    public ConcurrentDictionary<Guid, byte> Ignored { get; } = new();

    public long Heartbeats;

    public static void Count(ConcurrentDictionary<Guid, int> map, Guid attemptId) => map.AddOrUpdate(attemptId, 1, (_, n) => n + 1);
}
