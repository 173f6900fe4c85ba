namespace QueueFlow.Bench.Driving;

/// <summary>
/// The workers' time in the JIT compiler and the methods it compiled, summed over every worker, from the runtime's own
/// counters (<c>dotnet.jit.compilation.time</c> and <c>dotnet.jit.compiled_methods</c> of the System.Runtime meter, which
/// the worker exports on <c>/metrics</c>). The time is the compilations' wall-clock time: on a busy machine it includes
/// waiting for a core. It says whether the workers still compile (tiered compilation recompiles hot methods optimized,
/// with the profile gathered meanwhile, long after start-up), which a rate measured then would count as QueueFlow's.
/// </summary>
internal sealed record JitTime(double Seconds, long Methods)
{
    public static JitTime operator -(JitTime after, JitTime before) => new(after.Seconds - before.Seconds, after.Methods - before.Methods);

    /// <summary>Summed over the workers; null when a worker could not be read or does not export the counters.</summary>
    public static async Task<JitTime?> ReadAsync(IReadOnlyList<Uri> workers, CancellationToken cancellationToken) =>
        await WorkerMetrics.ScrapeAsync(workers, cancellationToken) is { } texts ? Sum(texts) : null;

    /// <summary>Summed over the workers' <c>/metrics</c> texts (<see cref="WorkerMetrics"/>); null when one lacks the counters.</summary>
    public static JitTime? Sum(IReadOnlyList<string> texts)
    {
        var total = new JitTime(0, 0);
        foreach (var text in texts)
        {
            if (Parse(text) is not { } one)
                return null;
            total = new JitTime(total.Seconds + one.Seconds, total.Methods + one.Methods);
        }

        return total;
    }

    /// <summary>The two counters in one worker's Prometheus text; null when either is missing.</summary>
    internal static JitTime? Parse(string prometheusText)
    {
        double? seconds = null;
        long? methods = null;
        foreach (var (name, _, value) in WorkerMetrics.Samples(prometheusText))
        {
            if (name == "dotnet_jit_compilation_time_seconds_total")
                seconds = value;
            else if (name == "dotnet_jit_compiled_methods_total")
                methods = (long)value;
        }

        return seconds is { } s && methods is { } m ? new JitTime(s, m) : null;
    }
}
