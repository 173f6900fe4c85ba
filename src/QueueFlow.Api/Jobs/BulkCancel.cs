using MassTransit;
using QueueFlow.Contracts;

namespace QueueFlow.Api.Jobs;

/// <summary>Sends one CancelJob per job to the saga, a bounded number at a time, and collects each outcome.</summary>
public static class BulkCancel
{
    /// <summary>Commands in flight at once: enough to overlap the round trips, few enough to leave the jobs queue to others.</summary>
    public const int Degree = 16;

    public const string TimeoutStatus = "Timeout";

    /// <summary>One item per id, in the order of <paramref name="ids"/>.</summary>
    public static async Task<BulkCancelItem[]> SendAsync(
        IRequestClient<CancelJob> client, IReadOnlyList<Guid> ids, string? reason, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(ids);
        var items = new BulkCancelItem[ids.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, ids.Count), new ParallelOptions { MaxDegreeOfParallelism = Degree, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var command = new CancelJob { JobId = ids[i], Reason = reason, CommandId = NewId.NextGuid() };
            try
            {
                var outcome = (await client.GetResponse<CommandOutcome>(command, ct, RequestTimeout.After(ms: (int)timeout.TotalMilliseconds)).ConfigureAwait(false)).Message;
                items[i] = new BulkCancelItem(ids[i], outcome.Status.ToString(), outcome.JobStatus, outcome.Reason);
            }
            catch (RequestTimeoutException)
            {
                items[i] = new BulkCancelItem(ids[i], TimeoutStatus, null, $"The job saga did not answer within {timeout.TotalSeconds:0} s; the cancel may still be applied.");
            }
        }).ConfigureAwait(false);
        return items;
    }
}
