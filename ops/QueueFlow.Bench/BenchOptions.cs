namespace QueueFlow.Bench;

/// <summary>The command line, parsed.</summary>
internal sealed record BenchOptions
{
    public required int Jobs { get; init; }
    public required int TasksPerJob { get; init; }
    public required int Concurrency { get; init; }
    public required int Instances { get; init; }
    /// <summary>Unmeasured jobs run first; null runs rounds until the workers' JIT settles (<see cref="Driving.Warmup"/>).</summary>
    public required int? WarmupJobs { get; init; }
    public required int CeilingMessages { get; init; }
    public required bool SkipCeiling { get; init; }
    public required bool SkipQueueFlow { get; init; }
    public required TimeSpan Timeout { get; init; }
    public required string WorkerDll { get; init; }
    public required bool KeepJobs { get; init; }

    /// <summary>New jobs per second of the measured runs, whatever is in flight; null keeps <see cref="Concurrency"/> jobs in flight.</summary>
    public double? Rate { get; init; }

    /// <summary>The peer driven through the same workload after QueueFlow, or null for none.</summary>
    public string? Peer { get; init; }

    /// <summary>Worker threads of the peer's server process.</summary>
    public int PeerWorkers { get; init; } = 10;

    /// <summary>The jobs endpoint's prefetch (EndpointOptions.PrefetchCount), mirrored by the RabbitMQ ceiling's consumer.</summary>
    public const ushort Prefetch = 64;

    /// <summary>Concurrent clients of the PostgreSQL ceiling and stand-in handlers of the step floor: the worker's default ConcurrentMessageLimit.</summary>
    public const int PostgresClients = 16;

    /// <summary>Outstanding publisher confirms allowed in the RabbitMQ ceiling (RabbitMQ.Client's own default limit).</summary>
    public const int ConfirmWindow = 128;
}
