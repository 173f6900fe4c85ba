using System.Diagnostics;

namespace QueueFlow.Bench.Driving;

/// <summary>
/// Starts a run's jobs (QueueFlow's or the peer's) either closed-loop, never more than
/// <paramref name="concurrency"/> in flight, or open-loop at <paramref name="rate"/> jobs/s whatever is in
/// flight: a paced rate is what latency at a given load needs, since a closed loop always runs at saturation.
/// </summary>
internal sealed class Launcher(int concurrency, double? rate)
{
    /// <summary>
    /// Calls <paramref name="start"/> <paramref name="count"/> times and waits for every job it started to end.
    /// <paramref name="start"/> returns a task completing with the job's end (a <see cref="Stopwatch"/> timestamp).
    /// Elapsed runs from the first start to the last end, or to the deadline when they did not all end in time.
    /// </summary>
    public async Task<LaunchResult> RunAsync(int count, Func<CancellationToken, Task<Task<long>>> start, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var ends = new List<Task<long>>(count);
        var inFlight = new HashSet<Task>();
        var started = Stopwatch.GetTimestamp();
        try
        {
            for (var i = 0; i < count; i++)
            {
                if (rate is { } perSecond)
                {
                    // Due times from the run's start, not from the previous job, so a late start never slows the pace.
                    var wait = TimeSpan.FromSeconds(i / perSecond) - Stopwatch.GetElapsedTime(started);
                    if (wait > TimeSpan.Zero)
                        await Task.Delay(wait, deadline.Token);
                }
                else if (inFlight.Count >= concurrency)
                {
                    inFlight.Remove(await Task.WhenAny(inFlight).WaitAsync(deadline.Token));
                }

                var end = await start(deadline.Token);
                ends.Add(end);
                if (rate is null)
                    inFlight.Add(end);
            }

            await Task.WhenAll(ends).WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new LaunchResult(started, Stopwatch.GetElapsedTime(started), TimedOut: true);
        }

        return new LaunchResult(started, Stopwatch.GetElapsedTime(started, ends.Max(e => e.Result)), TimedOut: false);
    }
}
