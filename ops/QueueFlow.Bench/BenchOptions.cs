namespace QueueFlow.Bench;

/// <summary>The command line, parsed.</summary>
internal sealed record BenchOptions
{
    public required int Jobs { get; init; }
    public required int TasksPerJob { get; init; }
    public required int Concurrency { get; init; }
    public required int Instances { get; init; }
    public required int WarmupJobs { get; init; }
    public required int CeilingMessages { get; init; }
    public required bool SkipCeiling { get; init; }
    public required bool SkipQueueFlow { get; init; }
    public required TimeSpan Timeout { get; init; }
    public required string WorkerDll { get; init; }
    public required bool KeepJobs { get; init; }

    /// <summary>The jobs endpoint's prefetch (EndpointOptions.PrefetchCount), mirrored by the RabbitMQ ceiling's consumer.</summary>
    public const ushort Prefetch = 64;

    /// <summary>Concurrent clients of the PostgreSQL ceiling: the worker's ConcurrentMessageLimit.</summary>
    public const int PostgresClients = 16;

    /// <summary>Outstanding publisher confirms allowed in the RabbitMQ ceiling (RabbitMQ.Client's own default limit).</summary>
    public const int ConfirmWindow = 128;
}
