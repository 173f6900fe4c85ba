using System.Diagnostics;

namespace QueueFlow.Bench.Driving;

/// <summary>Starts jobs with plain-JSON StartJob commands, as the <see cref="Launcher"/> paces them.</summary>
internal sealed class JobDriver(BenchBroker broker, JobBoard board, string jobsQueue, string workflow, string tag)
{
    /// <summary>Starts <paramref name="count"/> jobs and waits for all of them to end.</summary>
    public Task<LaunchResult> RunAsync(Launcher launcher, int count, bool measured, TimeSpan timeout, CancellationToken cancellationToken) =>
        launcher.RunAsync(count, async ct =>
        {
            var job = board.Add(Guid.CreateVersion7(), measured);
            job.StartPublishedAt = Stopwatch.GetTimestamp();
            await broker.SendAsync(jobsQueue, "StartJob", $$"""{ "jobId": "{{job.JobId}}", "workflow": "{{workflow}}", "variables": { "bench": "{{tag}}" } }""", ct);
            return EndOf(job);
        }, timeout, cancellationToken);

    static async Task<long> EndOf(JobProgress job)
    {
        await job.Finished;
        return job.FinishedAt;
    }
}
