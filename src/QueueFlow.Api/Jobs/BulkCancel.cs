using MassTransit;
using QueueFlow.Api.Paging;
using QueueFlow.Contracts;

namespace QueueFlow.Api.Jobs;

/// <summary>Sends one CancelJob per job to the saga, a bounded number at a time, and collects each outcome.</summary>
public static class BulkCancel
{
    /// <summary>One item per id, in the order of <paramref name="ids"/>.</summary>
    public static Task<BulkCancelItem[]> SendAsync(
        IRequestClient<CancelJob> client, IReadOnlyList<Guid> ids, string? reason, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(ids);
        return BulkByFilter.SendAsync(ids, async (id, ct) =>
            {
                var command = new CancelJob { JobId = id, Reason = reason, CommandId = NewId.NextGuid() };
                var outcome = (await client.GetResponse<CommandOutcome>(command, ct, RequestTimeout.After(ms: (int)timeout.TotalMilliseconds)).ConfigureAwait(false)).Message;
                return new BulkCancelItem(id, outcome.Status.ToString(), outcome.JobStatus, outcome.Reason);
            },
            id => new BulkCancelItem(id, BulkByFilter.TimeoutStatus, null, $"The job saga did not answer within {timeout.TotalSeconds:0} s; the cancel may still be applied."),
            cancellationToken);
    }
}
