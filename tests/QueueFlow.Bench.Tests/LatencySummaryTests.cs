using QueueFlow.Bench.Reporting;

namespace QueueFlow.Bench.Tests;

public class LatencySummaryTests
{
    [Fact]
    public void Percentiles_are_nearest_rank_whatever_the_order_given()
    {
        var shuffled = Enumerable.Range(1, 100).Select(i => (double)i).OrderBy(i => (i * 37) % 101).ToArray();

        var summary = LatencySummary.Of(shuffled);

        Assert.Equal(new LatencySummary(100, 50, 95, 99, 100, 50.5), summary);
    }

    [Fact]
    public void Few_samples_take_the_rank_above()
    {
        // Nearest rank: p50 of four is the second, p95 and p99 the fourth.
        Assert.Equal(new LatencySummary(4, 2, 8, 8, 8, 3.75), LatencySummary.Of([8, 1, 4, 2]));
        Assert.Equal(new LatencySummary(1, 3, 3, 3, 3, 3), LatencySummary.Of([3]));
    }

    [Fact]
    public void No_samples_say_so_instead_of_a_figure()
    {
        var summary = LatencySummary.Of([]);

        Assert.Equal(0, summary.Count);
        Assert.True(double.IsNaN(summary.P50) && double.IsNaN(summary.P99) && double.IsNaN(summary.Mean));
    }
}
