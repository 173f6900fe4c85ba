namespace QueueFlow.Bench.Tests;

/// <summary>A worker's <c>/metrics</c> text as the bench scraped it (<c>Fixtures/worker-metrics.prom</c>), and variations of it.</summary>
internal static class WorkerMetricsFixture
{
    public static string Text { get; } = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "worker-metrics.prom"));

    /// <summary>The capture without the lines whose series name starts with <paramref name="prefix"/>.</summary>
    public static string Without(string prefix) =>
        string.Join('\n', Text.Split('\n').Where(line => !line.StartsWith(prefix, StringComparison.Ordinal)));
}
