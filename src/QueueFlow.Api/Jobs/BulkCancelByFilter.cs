using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using QueueFlow.Api.Paging;
using QueueFlow.Contracts;
using QueueFlow.Persistence;

namespace QueueFlow.Api.Jobs;

/// <summary>
/// <c>POST /api/jobs/cancel</c> with a filter: reads a bounded page of the open jobs it matches and sends each a
/// CancelJob, as a bulk cancel by ids does. A request never takes more than <see cref="BulkByFilter.MaxLimit"/>
/// jobs, so one caller cannot hold the jobs queue for long; the cursor carries on where it stopped, past jobs whose
/// cancel timed out or was refused, so repeating with it always ends.
/// </summary>
public static class BulkCancelByFilter
{
    public const int DefaultLimit = BulkByFilter.DefaultLimit;

    public static async Task<(BulkCancelByFilterResult? Result, ProblemHttpResult? Problem)> CancelAsync(
        BulkCancelRequest request, IRequestClient<CancelJob> client, IDbContextFactory<QueueFlowDbContext> dbFactory, ApiOptions options,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        var filter = request.Filter!;
        if (filter.Status is { } status && !BulkCancelQuery.OpenStatuses.Contains(status))
            return (null, BulkByFilter.Invalid("$.filter.status", $"filter.status must be Running or Paused, not {status}: a finished job cannot be cancelled."));
        if (BulkByFilter.Range(filter.From, filter.To) is { } badRange)
            return (null, badRange);
        if (BulkByFilter.Limit(request.Limit, out var limit) is { } badLimit)
            return (null, badLimit);
        BulkCancelKey? after = null;
        if (request.Cursor is { } cursor && (after = BulkCancelQuery.Decode(cursor, filter, out var otherFilter)) is null)
            return (null, BulkByFilter.InvalidCursor(otherFilter));

        List<BulkCancelKey> keys;
        var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            if (await ListQuery.UnknownWorkflowAsync(db, filter.Workflow, cancellationToken).ConfigureAwait(false) is not null)
                return (null, BulkByFilter.UnknownWorkflow(filter.Workflow!));
            keys = await BulkCancelQuery.Build(db, filter with { From = filter.From?.ToUniversalTime(), To = filter.To?.ToUniversalTime() }, after, limit + 1)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
        }

        var next = BulkByFilter.Page(keys, limit, last => BulkCancelQuery.Encode(last, filter));
        var items = await BulkCancel.SendAsync(client, [.. keys.Select(k => k.Id)], request.Reason, options.CommandTimeout, cancellationToken).ConfigureAwait(false);
        var cancelled = items.Count(i => i.Status == nameof(CommandStatus.Accepted));
        return (new BulkCancelByFilterResult(items.Length, cancelled, items, next), null);
    }
}
