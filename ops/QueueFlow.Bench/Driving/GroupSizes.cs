using System.Globalization;
using System.Text.RegularExpressions;

namespace QueueFlow.Bench.Driving;

/// <summary>
/// How many messages the workers' group commit and group read served per round trip, summed over every worker, from
/// the histograms <c>queueflow.database.group_commit.writes</c> and <c>queueflow.database.group_read.jobs</c> on each
/// worker's <c>/metrics</c>: their sums (writes, jobs) and counts (transactions, round trips). Read before and after the
/// measured run and subtracted, they say how well the writes and reads were shared: PostgreSQL's cost per completion
/// follows the round trips, and a worker that gets fewer messages at once (a quiet machine, several instances) shares
/// less.
/// </summary>
internal sealed partial record GroupSizes(long Commits, long Writes, long Reads, long JobsRead)
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
        foreach (var line in prometheusText.Split('\n'))
        {
            var match = SeriesLine().Match(line);
            if (!match.Success)
                continue;
            var value = (long)double.Parse(match.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            switch (match.Groups["histogram"].Value, match.Groups["kind"].Value)
            {
                case ("group_commit_writes", "sum"): writes += value; break;
                case ("group_commit_writes", _): commits += value; break;
                case ("group_read_jobs", "sum"): jobsRead += value; break;
                default: reads += value; break;
            }
        }

        return new GroupSizes(commits, writes, reads, jobsRead);
    }

    [GeneratedRegex(@"^queueflow_database_(?<histogram>group_commit_writes|group_read_jobs)_(?<kind>sum|count)(\{[^}]*\})?\s+(?<value>\S+)")]
    private static partial Regex SeriesLine();
}
