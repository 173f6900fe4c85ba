namespace QueueFlow.Bench.Driving;

/// <summary>
/// How many messages the workers' group commit and group read served per round trip, summed over every worker, from
/// the histograms <c>queueflow.database.group_commit.writes</c> and <c>queueflow.database.group_read.jobs</c> on each
/// worker's <c>/metrics</c>: their sums (writes, jobs) and counts (transactions, round trips). Read before and after the
/// measured run and subtracted, they say how well the writes and reads were shared: PostgreSQL's cost per completion
/// follows the round trips, and a worker that gets fewer messages at once (a quiet machine, several instances) shares
/// less.
/// </summary>
internal sealed record GroupSizes(long Commits, long Writes, long Reads, long JobsRead)
{
    public double WritesPerCommit => Commits == 0 ? 0 : (double)Writes / Commits;

    public double JobsPerRead => Reads == 0 ? 0 : (double)JobsRead / Reads;

    public static GroupSizes operator -(GroupSizes after, GroupSizes before) =>
        new(after.Commits - before.Commits, after.Writes - before.Writes, after.Reads - before.Reads, after.JobsRead - before.JobsRead);

    /// <summary>Summed over the workers' <c>/metrics</c> texts (<see cref="WorkerMetrics"/>); a worker without the histograms adds nothing.</summary>
    public static GroupSizes Sum(IReadOnlyList<string> texts)
    {
        var total = new GroupSizes(0, 0, 0, 0);
        foreach (var text in texts)
        {
            var one = Parse(text);
            total = new GroupSizes(total.Commits + one.Commits, total.Writes + one.Writes, total.Reads + one.Reads, total.JobsRead + one.JobsRead);
        }

        return total;
    }

    /// <summary>The two histograms' _sum and _count lines in one worker's Prometheus text.</summary>
    internal static GroupSizes Parse(string prometheusText)
    {
        long commits = 0, writes = 0, reads = 0, jobsRead = 0;
        foreach (var (name, _, value) in WorkerMetrics.Samples(prometheusText))
        {
            switch (name)
            {
                case "queueflow_database_group_commit_writes_sum": writes += (long)value; break;
                case "queueflow_database_group_commit_writes_count": commits += (long)value; break;
                case "queueflow_database_group_read_jobs_sum": jobsRead += (long)value; break;
                case "queueflow_database_group_read_jobs_count": reads += (long)value; break;
            }
        }

        return new GroupSizes(commits, writes, reads, jobsRead);
    }
}
