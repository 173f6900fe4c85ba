using QueueFlow.Bench.Driving;

namespace QueueFlow.Bench.Tests;

public class GcActivityTests
{
    [Fact]
    public void A_worker_capture_gives_its_allocations_collections_of_every_generation_and_pauses()
    {
        var gc = GcActivity.Parse(WorkerMetricsFixture.Text);

        Assert.Equal(220639840, gc.AllocatedBytes);
        Assert.Equal(3 + 18 + 16, gc.Collections);
        Assert.Equal(0.281587, gc.PauseSeconds, 9);
    }

    [Fact]
    public void Workers_are_summed_and_the_measured_run_is_after_less_before()
    {
        var before = GcActivity.Sum([WorkerMetricsFixture.Text]);
        var after = GcActivity.Sum([WorkerMetricsFixture.Text, WorkerMetricsFixture.Text]);

        var run = after - before;
        Assert.Equal((220639840.0, 37L), (run.AllocatedBytes, run.Collections));
        Assert.Equal(0.281587, run.PauseSeconds, 9);
    }

    [Fact]
    public void A_worker_without_the_runtime_meter_adds_nothing()
    {
        Assert.Equal(new GcActivity(0, 0, 0), GcActivity.Sum([WorkerMetricsFixture.Without("dotnet_gc_")]));
    }
}
