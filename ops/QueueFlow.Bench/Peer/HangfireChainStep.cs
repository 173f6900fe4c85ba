using System.Diagnostics;
using System.Globalization;
using Hangfire;

namespace QueueFlow.Bench.Peer;

/// <summary>
/// One step of a peer chain, run by the Hangfire server process: it reports its start (and, from the second
/// step on, how long it waited since it was enqueued), enqueues the next step as its last act, and returns a
/// small output that Hangfire stores with the Succeeded state, as a QueueFlow task completes with output.
/// Hangfire finds the method by type and name, in the server's copy of this assembly.
/// </summary>
internal static class HangfireChainStep
{
    public const string Output = """{"ok":true}""";

    /// <param name="enqueuedAt">The enqueuing step's <see cref="Stopwatch"/> timestamp, 0 for a chain's first step (enqueued by the driver, another process).</param>
    public static string Run(Guid chain, int step, int steps, long enqueuedAt)
    {
        var startedAt = Stopwatch.GetTimestamp();
        var waited = enqueuedAt == 0 ? "-" : Stopwatch.GetElapsedTime(enqueuedAt, startedAt).TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);
        HangfireServer.Report($"step {chain} {waited}");
        if (step < steps)
        {
            var now = Stopwatch.GetTimestamp();
            BackgroundJob.Enqueue(() => Run(chain, step + 1, steps, now));
        }

        return Output;
    }
}
