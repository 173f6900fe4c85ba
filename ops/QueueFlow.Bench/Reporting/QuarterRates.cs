using System.Diagnostics;

namespace QueueFlow.Bench.Reporting;

/// <summary>
/// Completions/s in each quarter of a measured run: a sustained run should end at the rate it began
/// (the first quarter includes the ramp-up to full load, the last the drain of the final jobs).
/// </summary>
internal sealed record QuarterRates(IReadOnlyList<double> PerSecond)
{
    public static QuarterRates Of(IEnumerable<long> completedAt, long startedAt, TimeSpan elapsed)
    {
        var counts = new long[4];
        var quarter = elapsed / 4;
        foreach (var at in completedAt)
        {
            var offset = Stopwatch.GetElapsedTime(startedAt, at);
            if (offset >= TimeSpan.Zero && offset <= elapsed)
                counts[Math.Min(3, (int)(offset / quarter))]++;
        }

        return new QuarterRates([.. counts.Select(c => quarter > TimeSpan.Zero ? c / quarter.TotalSeconds : 0)]);
    }

    /// <summary>The last quarter's rate as a fraction of the first's.</summary>
    public double LastOverFirst => PerSecond[0] > 0 ? PerSecond[3] / PerSecond[0] : double.NaN;
}
