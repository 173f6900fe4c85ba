using System.Text.RegularExpressions;

namespace QueueFlow.Bench.Driving;

/// <summary>One phase of the worker's message path: the seconds all messages spent in it, and how many messages.</summary>
internal sealed record MessagePhaseTime(string Phase, double Seconds, long Count)
{
    public double MeanMilliseconds => Count == 0 ? 0 : Seconds * 1000 / Count;
}

/// <summary>
/// Where the workers' messages spend their time, from the histogram <c>queueflow.message.phase.duration</c> on each
/// worker's <c>/metrics</c>: the sum and count of each phase read before and after the measured run and subtracted, so
/// the warm-up is left out. Unlike the latency the driver sees, it splits the time inside the worker: waiting for and
/// reading the job, the saga's rules, the commit, the send, the release.
/// </summary>
internal static partial class MessagePhaseTimes
{
    /// <summary>The order the phases happen in, which is the order they are printed in.</summary>
    public static readonly IReadOnlyList<string> Phases = ["read", "apply", "commit", "send", "release"];

    /// <summary>Each phase summed over every worker and workflow, from each worker's <c>/metrics</c> text (<see cref="WorkerMetrics"/>).</summary>
    public static IReadOnlyList<MessagePhaseTime> Sum(IReadOnlyList<string> texts)
    {
        var sums = new Dictionary<string, (double Seconds, long Count)>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            foreach (var (phase, seconds, count) in Parse(text))
            {
                var sum = sums.GetValueOrDefault(phase);
                sums[phase] = (sum.Seconds + seconds, sum.Count + count);
            }
        }

        return [.. Phases.Select(p => sums.TryGetValue(p, out var s) ? new MessagePhaseTime(p, s.Seconds, s.Count) : new MessagePhaseTime(p, 0, 0))];
    }

    public static IReadOnlyList<MessagePhaseTime> Between(IReadOnlyList<MessagePhaseTime> before, IReadOnlyList<MessagePhaseTime> after) =>
        [.. after.Select(a => before.FirstOrDefault(b => b.Phase == a.Phase) is { } b ? a with { Seconds = a.Seconds - b.Seconds, Count = a.Count - b.Count } : a)];

    /// <summary>The histogram's _sum and _count lines in Prometheus' text format, one of each per phase and workflow.</summary>
    internal static IEnumerable<(string Phase, double Seconds, long Count)> Parse(string prometheusText)
    {
        var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, labels, value) in WorkerMetrics.Samples(prometheusText))
        {
            var isSum = name == "queueflow_message_phase_duration_seconds_sum";
            if ((!isSum && name != "queueflow_message_phase_duration_seconds_count") || PhaseLabel().Match(labels) is not { Success: true } phase)
                continue;

            var key = phase.Groups["phase"].Value;
            if (isSum)
                seconds[key] = seconds.GetValueOrDefault(key) + value;
            else
                counts[key] = counts.GetValueOrDefault(key) + (long)value;
        }

        return seconds.Select(s => (s.Key, s.Value, counts.GetValueOrDefault(s.Key)));
    }

    [GeneratedRegex(@"queueflow_phase=""(?<phase>[^""]+)""")]
    private static partial Regex PhaseLabel();
}
