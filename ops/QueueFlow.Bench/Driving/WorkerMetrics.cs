namespace QueueFlow.Bench.Driving;

/// <summary>The text of every worker's <c>/metrics</c> (Prometheus' text format), read one worker after another.</summary>
internal static class WorkerMetrics
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
}
