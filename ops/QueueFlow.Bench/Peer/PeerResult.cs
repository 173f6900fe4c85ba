using QueueFlow.Bench.Driving;
using QueueFlow.Bench.Reporting;

namespace QueueFlow.Bench.Peer;

/// <summary>The measured part of the peer's run (warm-up chains excluded), shaped like QueueFlow's.</summary>
internal sealed record PeerResult
{
    public required string Name { get; init; }
    public required string Versions { get; init; }
    public required int Workers { get; init; }
    public required int Chains { get; init; }
    public required int ChainsFinished { get; init; }
    public required long Completions { get; init; }
    public required TimeSpan Elapsed { get; init; }
    public required bool TimedOut { get; init; }

    /// <summary>Enqueueing step n + 1 (in step n) to step n + 1 starting: the peer's CompleteTask → next RunTask.</summary>
    public required LatencySummary StepWait { get; init; }

    public required QuarterRates Quarters { get; init; }

    /// <summary>CPU during the measured run; <see cref="CpuSplit.Workers"/> is the peer's server process.</summary>
    public required CpuSplit Cpu { get; init; }
    public required WorkerMemory ServerMemory { get; init; }

    /// <summary>Jobs in the Succeeded state after the run, against the steps of every chain started (warm-up included).</summary>
    public required long Succeeded { get; init; }
    public required long Expected { get; init; }

    public double CompletionsPerSecond => Completions / Elapsed.TotalSeconds;
    public double MillisecondsPerCompletion(TimeSpan cpu) => Completions == 0 ? 0 : cpu.TotalMilliseconds / Completions;
}
