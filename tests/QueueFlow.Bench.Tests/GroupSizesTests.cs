using QueueFlow.Bench.Driving;

namespace QueueFlow.Bench.Tests;

public class GroupSizesTests
{
    [Fact]
    public void A_worker_capture_gives_its_group_commits_and_reads()
    {
        var groups = GroupSizes.Parse(WorkerMetricsFixture.Text);

        Assert.Equal(new GroupSizes(Commits: 447, Writes: 1558, Reads: 480, JobsRead: 1750), groups);
        Assert.Equal(1558.0 / 447, groups.WritesPerCommit, 9);
        Assert.Equal(1750.0 / 480, groups.JobsPerRead, 9);
    }

    [Fact]
    public void Workers_are_summed_and_the_measured_run_is_after_less_before()
    {
        var before = GroupSizes.Sum([WorkerMetricsFixture.Text]);
        var after = GroupSizes.Sum([WorkerMetricsFixture.Text, WorkerMetricsFixture.Text, WorkerMetricsFixture.Text]);

        Assert.Equal(new GroupSizes(2 * 447, 2 * 1558, 2 * 480, 2 * 1750), after - before);
    }

    [Fact]
    public void A_worker_without_the_histograms_adds_nothing_and_a_run_without_groups_divides_by_nothing()
    {
        var groups = GroupSizes.Sum([WorkerMetricsFixture.Without("queueflow_database_group_")]);

        Assert.Equal(new GroupSizes(0, 0, 0, 0), groups);
        Assert.Equal((0.0, 0.0), (groups.WritesPerCommit, groups.JobsPerRead));
    }
}
