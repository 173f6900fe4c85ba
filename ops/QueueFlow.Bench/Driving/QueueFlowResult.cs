using QueueFlow.Bench.Reporting;

namespace QueueFlow.Bench.Driving;

/// <summary>The measured part of a QueueFlow run (warm-up jobs excluded) and the checks made after it.</summary>
internal sealed record QueueFlowResult
{
    public required int Jobs { get; init; }
    public required int JobsFinished { get; init; }
    public required long Completions { get; init; }
    public required TimeSpan Elapsed { get; init; }
    public required bool TimedOut { get; init; }

    /// <summary>Publishing a CompleteTask to receiving the same job's next RunTask.</summary>
    public required LatencySummary Hop { get; init; }

    /// <summary>Publishing StartJob to receiving the job's first RunTask.</summary>
    public required LatencySummary Start { get; init; }

    /// <summary>Publishing StartJob to receiving JobCompleted.</summary>
    public required LatencySummary EndToEnd { get; init; }

    /// <summary>Completions/s in each quarter of the measured run.</summary>
    public required QuarterRates Quarters { get; init; }

    /// <summary>Peak and final resident memory of each worker process.</summary>
    public required WorkerMemory WorkerMemory { get; init; }

    /// <summary>QueueFlow's hot tables right before and right after the measured run (empty when unreadable).</summary>
    public IReadOnlyList<TableSize> TablesBefore { get; init; } = [];
    public IReadOnlyList<TableSize> TablesAfter { get; init; } = [];

    /// <summary>What PostgreSQL wrote during the measured run (null when its statistics could not be read).</summary>
    public WalVolume? Wal { get; init; }

    /// <summary>PostgreSQL's statements during the measured run, the longest first (null when pg_stat_statements could not be read).</summary>
    public IReadOnlyList<StatementTime>? Statements { get; init; }

    /// <summary>The workers' messages' time by phase during the measured run (null when a worker's /metrics could not be read).</summary>
    public IReadOnlyList<MessagePhaseTime>? Phases { get; init; }

    /// <summary>The unmeasured jobs run first.</summary>
    public WarmupResult Warmup { get; init; } = new([], UntilSettled: false, Settled: false);

    /// <summary>The workers' compiling during the measured run (null when their counters could not be read).</summary>
    public JitTime? Jit { get; init; }

    /// <summary>The workers' group commits and group reads during the measured run (null when a worker's /metrics could not be read).</summary>
    public GroupSizes? Groups { get; init; }

    /// <summary>The workers' garbage collection over the measured run; null when a worker's /metrics could not be read.</summary>
    public GcActivity? Gc { get; init; }

    /// <summary>The machine's context switches during the measured run (null when /proc/stat could not be read).</summary>
    public long? ContextSwitches { get; init; }

    /// <summary>CPU used during the measured run by the worker processes, this driver and the two servers.</summary>
    public required CpuSplit Cpu { get; init; }
    public required JobVerification Verification { get; init; }
    public required long DuplicateDispatches { get; init; }
    public required int UnknownDispatches { get; init; }
    public required uint DeadLettered { get; init; }
    public required WorkerLogSummary WorkerLogs { get; init; }

    /// <summary>Times the driver's own broker connection was lost (and recovered) during the run.</summary>
    public required int DriverDisconnects { get; init; }

    public double CompletionsPerSecond => Completions / Elapsed.TotalSeconds;
    /// <summary>Milliseconds of CPU one completion costs in <paramref name="cpu"/>'s share.</summary>
    public double MillisecondsPerCompletion(TimeSpan cpu) => Completions == 0 ? 0 : cpu.TotalMilliseconds / Completions;

    public double JobsPerSecond => JobsFinished / Elapsed.TotalSeconds;
}
