using QueueFlow.Bench.Driving;

namespace QueueFlow.Bench.Tests;

public class MessagePhaseTimesTests
{
    [Fact]
    public void A_worker_capture_gives_each_phase_its_seconds_and_messages_in_path_order()
    {
        var phases = MessagePhaseTimes.Sum([WorkerMetricsFixture.Text]);

        Assert.Equal(["read", "apply", "commit", "send", "release"], phases.Select(p => p.Phase));
        Assert.All(phases, p => Assert.Equal(1737, p.Count));
        Assert.Equal(25.07902260000001, phases[0].Seconds, 9);
        Assert.Equal(9.920779499999956, phases[1].Seconds, 9);
        Assert.Equal(30.098260399999972, phases[2].Seconds, 9);
        Assert.Equal(20.084668499999967, phases[3].Seconds, 9);
        Assert.Equal(12.300794699999988, phases[4].Seconds, 9);
        Assert.Equal(25.07902260000001 * 1000 / 1737, phases[0].MeanMilliseconds, 9);
    }

    [Fact]
    public void Workers_and_workflows_are_summed_per_phase()
    {
        // The same histogram for a second workflow in the same worker, and a second worker like the first.
        var otherWorkflow = string.Join('\n', WorkerMetricsFixture.Text.Split('\n')
            .Where(line => line.StartsWith("queueflow_message_phase_duration_seconds_", StringComparison.Ordinal))
            .Select(line => line.Replace("bench-chain10-30d25c90", "other-workflow", StringComparison.Ordinal)));
        var worker = WorkerMetricsFixture.Text + "\n" + otherWorkflow;

        var phases = MessagePhaseTimes.Sum([worker, WorkerMetricsFixture.Text]);

        Assert.All(phases, p => Assert.Equal(3 * 1737, p.Count));
        Assert.Equal(3 * 30.098260399999972, phases.Single(p => p.Phase == "commit").Seconds, 9);
    }

    [Fact]
    public void The_measured_run_is_after_less_before()
    {
        var before = MessagePhaseTimes.Sum([WorkerMetricsFixture.Text]);
        var after = MessagePhaseTimes.Sum([WorkerMetricsFixture.Text, WorkerMetricsFixture.Text]);

        var run = MessagePhaseTimes.Between(before, after);

        Assert.Equal(before.Select(p => (p.Phase, p.Count)), run.Select(p => (p.Phase, p.Count)));
        Assert.Equal(before.Select(p => Math.Round(p.Seconds, 6)), run.Select(p => Math.Round(p.Seconds, 6)));
    }

    [Fact]
    public void A_worker_without_the_histogram_counts_nothing_rather_than_failing()
    {
        var phases = MessagePhaseTimes.Sum([WorkerMetricsFixture.Without("queueflow_message_phase_duration_seconds")]);

        Assert.Equal(5, phases.Count);
        Assert.All(phases, p => Assert.Equal((0, 0.0, 0.0), (p.Count, p.Seconds, p.MeanMilliseconds)));
    }

    [Fact]
    public void Bucket_lines_and_other_histograms_are_not_taken_for_the_phases()
    {
        // Only the _sum and _count series of this histogram count: its 70 bucket lines and the other histograms' sums
        // (group commit, group read, dispatch) would each change the totals if they were read.
        var onlySumsAndCounts = string.Join('\n', WorkerMetricsFixture.Text.Split('\n')
            .Where(line => !line.StartsWith("queueflow_message_phase_duration_seconds_bucket", StringComparison.Ordinal)));

        Assert.Equal(
            MessagePhaseTimes.Sum([WorkerMetricsFixture.Text]).Select(p => (p.Phase, p.Count, p.Seconds)),
            MessagePhaseTimes.Sum([onlySumsAndCounts]).Select(p => (p.Phase, p.Count, p.Seconds)));
        Assert.Contains("queueflow_database_group_commit_writes_sum", WorkerMetricsFixture.Text, StringComparison.Ordinal);
    }
}
