using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using QueueFlow.Api.Paging;
using QueueFlow.Api.Problems;
using QueueFlow.Contracts;
using QueueFlow.Persistence;

namespace QueueFlow.Api.Jobs;

/// <summary>
/// <c>POST /api/jobs/cancel</c> with a filter: reads a bounded page of the open jobs it matches and sends each a
/// CancelJob, as a bulk cancel by ids does. A request never takes more than <see cref="JobControlEndpoints.MaxBulkIds"/>
/// jobs, so one caller cannot hold the jobs queue for long; the cursor carries on where it stopped, past jobs whose
/// cancel timed out or was refused, so repeating with it always ends.
/// </summary>
public static class BulkCancelByFilter
{
    public const int DefaultLimit = 100;

    public static async Task<(BulkCancelByFilterResult? Result, ProblemHttpResult? Problem)> CancelAsync(
        BulkCancelRequest request, IRequestClient<CancelJob> client, IDbContextFactory<QueueFlowDbContext> dbFactory, ApiOptions options,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        var filter = request.Filter!;
        if (filter.Status is { } status && !BulkCancelQuery.OpenStatuses.Contains(status))
            return (null, Invalid("$.filter.status", $"filter.status must be Running or Paused, not {status}: a finished job cannot be cancelled."));
        if (filter.From is { } from && filter.To is { } to && from >= to)
            return (null, Invalid("$.filter.to", "filter.to must be later than filter.from."));
        var limit = request.Limit ?? DefaultLimit;
        if (limit is < 1 or > JobControlEndpoints.MaxBulkIds)
            return (null, Invalid("$.limit", $"limit must be from 1 to {JobControlEndpoints.MaxBulkIds}, not {limit}."));
        BulkCancelKey? after = null;
        if (request.Cursor is { } cursor && (after = BulkCancelQuery.Decode(cursor, filter, out var otherFilter)) is null)
        {
            return (null, Invalid("$.cursor", otherFilter
                ? "cursor was returned for another filter; pass it with the same filter it came with, or start again without a cursor."
                : "cursor is not one this API returned; pass nextCursor from the previous answer unchanged."));
        }

        List<BulkCancelKey> keys;
        var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            if (await ListQuery.UnknownWorkflowAsync(db, filter.Workflow, cancellationToken).ConfigureAwait(false) is not null)
                return (null, Invalid("$.filter.workflow", $"No workflow is registered under the name '{filter.Workflow}'."));
            keys = await BulkCancelQuery.Build(db, filter with { From = filter.From?.ToUniversalTime(), To = filter.To?.ToUniversalTime() }, after, limit + 1)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
        }

        string? next = null;
        if (keys.Count > limit)
        {
            keys.RemoveRange(limit, keys.Count - limit);
            next = BulkCancelQuery.Encode(keys[^1], filter);
        }

        var items = await BulkCancel.SendAsync(client, [.. keys.Select(k => k.Id)], request.Reason, options.CommandTimeout, cancellationToken).ConfigureAwait(false);
        var cancelled = items.Count(i => i.Status == nameof(CommandStatus.Accepted));
        return (new BulkCancelByFilterResult(items.Length, cancelled, items, next), null);
    }

    static ProblemHttpResult Invalid(string path, string detail) =>
        ApiProblems.BadRequest(detail, new Dictionary<string, object?> { ["path"] = path });
}
