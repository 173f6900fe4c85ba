using QueueFlow.Bench.Driving;

namespace QueueFlow.Bench.Tests;

public class JitTimeTests
{
    [Fact]
    public void A_worker_capture_gives_its_compilation_time_and_methods()
    {
        Assert.Equal(new JitTime(15.6412214, 38564), JitTime.Parse(WorkerMetricsFixture.Text));
    }

    [Theory]
    [InlineData("dotnet_jit_compiled_methods_total")]
    [InlineData("dotnet_jit_compilation_time_seconds_total")]
    public void A_worker_missing_either_counter_has_no_figure(string missing)
    {
        Assert.Null(JitTime.Parse(WorkerMetricsFixture.Without(missing)));
    }

    [Fact]
    public void Workers_are_summed_and_one_unreadable_worker_makes_the_sum_unknown()
    {
        var both = JitTime.Sum([WorkerMetricsFixture.Text, WorkerMetricsFixture.Text]);

        Assert.NotNull(both);
        Assert.Equal(2 * 15.6412214, both.Seconds, 6);
        Assert.Equal(2 * 38564, both.Methods);
        Assert.Null(JitTime.Sum([WorkerMetricsFixture.Text, WorkerMetricsFixture.Without("dotnet_jit_compiled_methods_total")]));
    }

    [Fact]
    public void The_measured_run_is_after_less_before()
    {
        Assert.Equal(new JitTime(1.5, 200), new JitTime(16.5, 38764) - new JitTime(15.0, 38564));
    }
}
