using System.Diagnostics;

namespace QueueFlow.Bench.Driving;

/// <summary>Starts jobs with plain-JSON StartJob commands, never more than <paramref name="concurrency"/> in flight.</summary>
internal sealed class JobDriver(BenchBroker broker, JobBoard board, string jobsQueue, string workflow, string tag, int concurrency)
{
    /// <summary>
    /// Starts <paramref name="count"/> jobs and waits for all of them to end. Elapsed runs from the first
    /// StartJob to the last job's end, or to the deadline when they did not all end in time.
    /// </summary>
    public async Task<(TimeSpan Elapsed, bool TimedOut)> RunAsync(int count, bool measured, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var jobs = new List<JobProgress>(count);
        var inFlight = new HashSet<Task>();
        var started = Stopwatch.GetTimestamp();
        try
        {
            for (var i = 0; i < count; i++)
            {
                if (inFlight.Count >= concurrency)
                    inFlight.Remove(await Task.WhenAny(inFlight).WaitAsync(deadline.Token));

                var job = board.Add(Guid.CreateVersion7(), measured);
                jobs.Add(job);
                inFlight.Add(job.Finished);
                job.StartPublishedAt = Stopwatch.GetTimestamp();
                await broker.SendAsync(jobsQueue, "StartJob", $$"""{ "jobId": "{{job.JobId}}", "workflow": "{{workflow}}", "variables": { "bench": "{{tag}}" } }""", deadline.Token);
            }

            await Task.WhenAll(jobs.Select(j => j.Finished)).WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (Stopwatch.GetElapsedTime(started), true);
        }

        return (Stopwatch.GetElapsedTime(started, jobs.Max(j => j.FinishedAt)), false);
    }
}
