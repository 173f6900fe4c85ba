namespace QueueFlow.Bench.Driving;

/// <summary>
/// Each worker process's peak resident set (VmHWM) and its resident set at the end of the measured run
/// (VmRSS), in bytes: a flat memory profile ends near its peak and does not climb with the run's length.
/// </summary>
internal sealed record WorkerMemory(IReadOnlyList<long> PeakBytes, IReadOnlyList<long> FinalBytes);
