using System.Globalization;
using System.Text.RegularExpressions;

namespace QueueFlow.Bench.Driving;

/// <summary>The text of every worker's <c>/metrics</c> (Prometheus' text format), read one worker after another.</summary>
internal static partial class WorkerMetrics
{
    static readonly TimeSpan ScrapeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>One text per worker, in their order; null when any worker could not be read (a figure summed over them would be wrong).</summary>
    public static async Task<IReadOnlyList<string>?> ScrapeAsync(IReadOnlyList<Uri> workers, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = ScrapeTimeout };
        var texts = new List<string>(workers.Count);
        foreach (var worker in workers)
        {
            try
            {
                texts.Add(await http.GetStringAsync(new Uri(worker, "/metrics"), cancellationToken));
            }
            catch (HttpRequestException)
            {
                return null;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }

        return texts;
    }

    /// <summary>Each sample line of one worker's text as its series name, its labels (as written) and its value; comments skipped.</summary>
    public static IEnumerable<(string Name, string Labels, double Value)> Samples(string prometheusText)
    {
        foreach (var line in prometheusText.Split('\n'))
        {
            var match = SampleLine().Match(line);
            if (match.Success)
                yield return (match.Groups["name"].Value, match.Groups["labels"].Value, double.Parse(match.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture));
        }
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})?\s+(?<value>\S+)")]
    private static partial Regex SampleLine();
}
