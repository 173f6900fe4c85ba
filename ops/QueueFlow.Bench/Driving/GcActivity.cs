namespace QueueFlow.Bench.Driving;

/// <summary>
/// What the workers' garbage collector did, summed over every worker, from the runtime's own meter (System.Runtime) on
/// each worker's <c>/metrics</c>: bytes allocated, collections and the time the process was paused for them. Read
/// before and after the measured run and subtracted: the bytes a completion allocates are a figure that hardly moves
/// with the machine's load, unlike a rate, and every pause stops all of a worker's messages at once.
/// </summary>
internal sealed record GcActivity(double AllocatedBytes, long Collections, double PauseSeconds)
{
    public static GcActivity operator -(GcActivity after, GcActivity before) =>
        new(after.AllocatedBytes - before.AllocatedBytes, after.Collections - before.Collections, after.PauseSeconds - before.PauseSeconds);

    /// <summary>Summed over the workers' <c>/metrics</c> texts (<see cref="WorkerMetrics"/>); a worker without the meter adds nothing.</summary>
    public static GcActivity Sum(IReadOnlyList<string> texts) =>
        texts.Select(Parse).Aggregate(new GcActivity(0, 0, 0), (sum, one) =>
            new GcActivity(sum.AllocatedBytes + one.AllocatedBytes, sum.Collections + one.Collections, sum.PauseSeconds + one.PauseSeconds));

    /// <summary>The three counters in one worker's Prometheus text; the collections of every generation together.</summary>
    internal static GcActivity Parse(string prometheusText)
    {
        double allocated = 0, paused = 0;
        long collections = 0;
        foreach (var (name, _, value) in WorkerMetrics.Samples(prometheusText))
        {
            switch (name)
            {
                case "dotnet_gc_heap_total_allocated_bytes_total": allocated += value; break;
                case "dotnet_gc_collections_total": collections += (long)value; break;
                case "dotnet_gc_pause_time_seconds_total": paused += value; break;
            }
        }

        return new GcActivity(allocated, collections, paused);
    }
}
