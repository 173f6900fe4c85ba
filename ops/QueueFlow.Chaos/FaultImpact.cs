using System.Globalization;
using System.Text;

namespace QueueFlow.Chaos;

/// <summary>
/// What each kind of fault did to the load: RunTask dispatches per second received by the simulated
/// workers from a fault's start until 20 s after it ended, against the seconds no fault touched; and the
/// end-to-end time of the jobs started in that window, against the jobs started outside any.
/// </summary>
internal static class FaultImpact
{
    static readonly TimeSpan After = TimeSpan.FromSeconds(20);

    public static string Render(IReadOnlyList<FaultRecord> faults, ChaosRecords records, DatabaseView database)
    {
        var runStart = records.Jobs.Values.Select(j => j.SentAt).DefaultIfEmpty(DateTimeOffset.UtcNow).Min();
        var seconds = records.DispatchesBySecond;
        var lastSecond = seconds.Keys.DefaultIfEmpty(0).Max();
        var touched = new HashSet<int>();
        foreach (var fault in faults)
            touched.UnionWith(Window(fault));

        // The first seconds of the driver's clock precede the load (workers starting); leave them out.
        var firstLoadSecond = seconds.Keys.DefaultIfEmpty(0).Min();
        var calm = Enumerable.Range(firstLoadSecond, Math.Max(0, lastSecond - firstLoadSecond)).Where(s => !touched.Contains(s)).ToList();

        var text = new StringBuilder();
        text.AppendLine("| fault | times | took (s, median) | dispatches/s in its window | jobs started in its window: end-to-end p50 / p95 (s) |");
        text.AppendLine("|---|---:|---:|---:|---|");
        text.AppendLine(CultureInfo.InvariantCulture, $"| none (seconds no fault touched) | | | {Rate(calm, seconds):0.0} | {Latency(records, database, j => !InAny(j.SentAt - runStart, faults))} |");
        foreach (var kind in faults.GroupBy(f => f.Fault.Kind).OrderBy(g => g.Key))
        {
            var window = kind.SelectMany(Window).Distinct().ToList();
            var took = kind.Select(f => (f.Ended - f.Began).TotalSeconds).Order().ElementAt(kind.Count() / 2);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {kind.Key} | {kind.Count()} | {took:0.0} | {Rate(window, seconds):0.0} | {Latency(records, database, j => InAny(j.SentAt - runStart, kind))} |");
        }

        return text.ToString();
    }

    static IEnumerable<int> Window(FaultRecord fault) =>
        Enumerable.Range((int)fault.Began.TotalSeconds, (int)Math.Ceiling((fault.Ended + After - fault.Began).TotalSeconds));

    static bool InAny(TimeSpan sentAt, IEnumerable<FaultRecord> faults) =>
        faults.Any(f => sentAt >= f.Began - TimeSpan.FromSeconds(10) && sentAt <= f.Ended + After);

    static double Rate(List<int> window, System.Collections.Concurrent.ConcurrentDictionary<int, int> seconds) =>
        window.Count == 0 ? 0 : window.Sum(s => seconds.TryGetValue(s, out var n) ? n : 0) / (double)window.Count;

    static string Latency(ChaosRecords records, DatabaseView database, Func<JobStart, bool> include)
    {
        var times = records.Jobs
            .Where(j => include(j.Value) && database.Jobs.TryGetValue(j.Key, out var job) && job.EndedAt is not null)
            .Select(j => (database.Jobs[j.Key].EndedAt!.Value - j.Value.SentAt).TotalSeconds)
            .Order()
            .ToList();
        if (times.Count == 0)
            return "-";
        return string.Create(CultureInfo.InvariantCulture, $"{times[times.Count / 2]:0.0} / {times[(int)(times.Count * 0.95)]:0.0} ({times.Count} jobs)");
    }
}
