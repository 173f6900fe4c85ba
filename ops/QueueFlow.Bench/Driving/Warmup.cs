using System.Diagnostics;

namespace QueueFlow.Bench.Driving;

/// <summary>
/// Runs unmeasured jobs, closed-loop at --concurrency, until the workers are warm. A fixed count (--warmup-jobs) either
/// left the workers compiling into the measured run or wasted minutes: tiered compilation recompiles the hot path
/// optimized only after it has profiled it, and on a busy 2-core machine that took the worker 40 to 60 s and 25 s of
/// compiling, during which it ran at about two thirds of its rate. So by default the warm-up runs in rounds and stops
/// once the workers' JIT has settled, read from the runtime's own counters (<see cref="JitTime"/>), and their rate with it.
/// </summary>
internal sealed class Warmup(JobDriver driver, WorkerFleet fleet, BenchOptions options, Action<string> progress)
{
    /// <summary>
    /// Settled: under this share of a core per worker process spent compiling in a round. Not zero: tiered compilation
    /// keeps promoting a few rarely called methods for minutes.
    /// </summary>
    public const double SettledJitShare = 0.10;

    /// <summary>
    /// Settled also needs the rate to have stopped rising: at most this much above the round before. Compiled code is
    /// installed a while after it is compiled, so the rate can still climb in the first quiet round; rounds of the same
    /// code differ by up to a tenth on the shared 2-core machine, so less would wait for the noise to stop.
    /// </summary>
    public const double SettledRise = 0.10;

    /// <summary>Settled rounds in a row: one quiet round can be a lull between two batches of compiling.</summary>
    public const int SettledRounds = 2;

    /// <summary>The count run when the workers' counters cannot be read (the fixed default before rounds).</summary>
    public const int FallbackJobs = 300;

    /// <summary>The longest the rounds run: a worker still compiling after that is reported as such, and measured.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromMinutes(5);

    /// <summary>Jobs per round: five times the jobs in flight, so that a round's start and drain are a small part of it.</summary>
    public int RoundJobs => Math.Max(options.Concurrency * 5, 50);

    public async Task<WarmupResult> RunAsync(CancellationToken cancellationToken)
    {
        if (options.WarmupJobs is { } count)
        {
            if (count == 0)
                return new WarmupResult([], UntilSettled: false, Settled: false);
            progress($"warm-up: {count} jobs, {options.Concurrency} in flight (not measured)");
            return new WarmupResult([await RoundAsync(count, cancellationToken)], UntilSettled: false, Settled: false);
        }

        progress($"warm-up: rounds of {RoundJobs} jobs, {options.Concurrency} in flight, until the workers' JIT settles (not measured)");
        var rounds = new List<WarmupRound>();
        var settled = 0;
        var started = Stopwatch.GetTimestamp();
        while (settled < SettledRounds && Stopwatch.GetElapsedTime(started) < Longest)
        {
            var round = await RoundAsync(RoundJobs, cancellationToken);
            rounds.Add(round);
            if (round.JitShare(options.Instances) is not { } share)
            {
                progress($"the workers' JIT counters could not be read: warming up for {FallbackJobs} jobs in all instead");
                if (FallbackJobs > round.Jobs)
                    rounds.Add(await RoundAsync(FallbackJobs - round.Jobs, cancellationToken));
                return new WarmupResult(rounds, UntilSettled: true, Settled: false);
            }

            var rising = rounds.Count < 2 || round.CompletionsPerSecond > rounds[^2].CompletionsPerSecond * (1 + SettledRise);
            settled = share < SettledJitShare && !rising ? settled + 1 : 0;
            progress($"warm-up round {rounds.Count}: {round.CompletionsPerSecond:0} completions/s, the JIT {share:P0} of a core per process");
        }

        return new WarmupResult(rounds, UntilSettled: true, Settled: settled >= SettledRounds);
    }

    async Task<WarmupRound> RoundAsync(int jobs, CancellationToken cancellationToken)
    {
        var jitBefore = await JitTime.ReadAsync(fleet.Addresses, cancellationToken);
        var cpuBefore = fleet.CpuTime();
        var run = await driver.RunAsync(new Launcher(options.Concurrency, rate: null), jobs, measured: false, options.Timeout, cancellationToken);
        if (run.TimedOut)
            throw new TimeoutException($"the warm-up jobs did not all finish within {options.Timeout.TotalSeconds:0}s; worker log tail:\n{fleet.Workers[0].LogTail(40)}");
        var jitAfter = await JitTime.ReadAsync(fleet.Addresses, cancellationToken);
        return new WarmupRound(jobs, options.TasksPerJob, run.Elapsed, jitAfter is not null && jitBefore is not null ? jitAfter - jitBefore : null, fleet.CpuTime() - cpuBefore);
    }
}
