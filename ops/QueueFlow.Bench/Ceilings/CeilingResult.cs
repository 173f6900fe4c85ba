namespace QueueFlow.Bench.Ceilings;

/// <summary>One raw loop's throughput: <paramref name="Operations"/> done in <paramref name="Elapsed"/>.</summary>
internal sealed record CeilingResult(string Name, long Operations, TimeSpan Elapsed, string Detail)
{
    public double PerSecond => Operations / Elapsed.TotalSeconds;
}
