namespace QueueFlow.Bench.Driving;

/// <summary>The jobs run before the measured run, round by round.</summary>
/// <param name="UntilSettled">Rounds were run until the workers' JIT settled (the default), not a count given with --warmup-jobs.</param>
/// <param name="Settled">The JIT settled before the warm-up's time ran out.</param>
internal sealed record WarmupResult(IReadOnlyList<WarmupRound> Rounds, bool UntilSettled, bool Settled)
{
    public int Jobs => Rounds.Sum(r => r.Jobs);

    public TimeSpan Elapsed => Rounds.Aggregate(TimeSpan.Zero, (sum, r) => sum + r.Elapsed);
}
