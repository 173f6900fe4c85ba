namespace QueueFlow.Bench.Driving;

/// <summary>One round of unmeasured jobs: how long they took, and what the workers compiled and spent meanwhile.</summary>
/// <param name="Jit">The workers' time in the JIT during the round; null when their counters could not be read.</param>
internal sealed record WarmupRound(int Jobs, int TasksPerJob, TimeSpan Elapsed, JitTime? Jit, TimeSpan WorkerCpu)
{
    public double CompletionsPerSecond => Jobs * TasksPerJob / Elapsed.TotalSeconds;

    /// <summary>The workers' compiling as a share of one core per worker process; null when unknown.</summary>
    public double? JitShare(int instances) => Jit is { } jit ? jit.Seconds / Elapsed.TotalSeconds / instances : null;

    public double WorkerCpuMillisecondsPerCompletion => WorkerCpu.TotalMilliseconds / (Jobs * TasksPerJob);
}
