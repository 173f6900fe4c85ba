using QueueFlow.Bench.Driving;
using static System.FormattableString;

namespace QueueFlow.Bench.Reporting;

/// <summary>The report's rows on warming up: what ran before the measured run, and what the workers still compiled during it.</summary>
internal static class WarmupRows
{
    public static (string Measure, string Value, string Detail) Warmup(QueueFlowResult q, BenchOptions o)
    {
        var w = q.Warmup;
        if (w.Rounds.Count == 0)
            return ("Warm-up", "none", "--warmup-jobs 0: the measured run starts on cold workers");

        var value = Invariant($"{w.Jobs:N0} jobs, {w.Elapsed.TotalSeconds:0.0} s");
        var rounds = string.Join(", ", w.Rounds.Select(r => r.JitShare(o.Instances) is { } share
            ? Invariant($"{r.CompletionsPerSecond:0}/s ({share:P0}, {r.WorkerCpuMillisecondsPerCompletion:0.00} ms)")
            : Invariant($"{r.CompletionsPerSecond:0}/s (JIT unknown)")));
        var how = !w.UntilSettled
            ? Invariant($"--warmup-jobs {w.Jobs}: a fixed count")
            : w.Settled
                ? Invariant($"until the workers settled: {Driving.Warmup.SettledRounds} rounds running with the JIT under {Driving.Warmup.SettledJitShare:P0} of a core per process and the rate up by at most {Driving.Warmup.SettledRise:P0}")
                : Invariant($"NOT SETTLED: the workers still compiled (or their counters could not be read) when the rounds stopped");
        return ("Warm-up", value, $"{how}; per round: completions/s (the JIT's share of a core per process, the workers' CPU per completion) {rounds}");
    }

    public static (string Measure, string Value, string Detail) Jit(QueueFlowResult q, BenchOptions o) => q.Jit is { } jit
        ? ("JIT during the measured run", Invariant($"{jit.Seconds:0.00} s"),
            Invariant($"{jit.Methods:N0} methods compiled by the worker process(es), {jit.Seconds / q.Elapsed.TotalSeconds / o.Instances:P1} of a core per process (dotnet.jit.compilation.time: wall-clock, waits for a core included)"))
        : ("JIT during the measured run", "—", "not measured (a worker's /metrics could not be read)");
}
