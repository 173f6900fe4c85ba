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
        if (Invalid(filter) is { } badFilter)
            return (null, badFilter);
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

    /// <summary>How many open jobs a cancel with <paramref name="filter"/> would take now (see <see cref="BulkByFilter.CountAsync"/>).</summary>
    public static async Task<(BulkCount? Count, ProblemHttpResult? Problem)> CountAsync(
        JobFilter filter, IDbContextFactory<QueueFlowDbContext> dbFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(dbFactory);
        if (Invalid(filter) is { } badFilter)
            return (null, badFilter);
        var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            if (await ListQuery.UnknownWorkflowAsync(db, filter.Workflow, cancellationToken).ConfigureAwait(false) is not null)
                return (null, BulkByFilter.UnknownWorkflow(filter.Workflow!));
            var matches = BulkCancelQuery.Matches(db, filter with { From = filter.From?.ToUniversalTime(), To = filter.To?.ToUniversalTime() });
            return (await BulkByFilter.CountAsync(matches, cancellationToken).ConfigureAwait(false), null);
        }
    }

    /// <summary>A 400 for a filter no cancel can take: a finished status, or an empty time range.</summary>
    static ProblemHttpResult? Invalid(JobFilter filter) =>
        filter.Status is { } status && !BulkCancelQuery.OpenStatuses.Contains(status)
            ? BulkByFilter.Invalid("$.filter.status", $"filter.status must be Running or Paused, not {status}: a finished job cannot be cancelled.")
            : BulkByFilter.Range(filter.From, filter.To);
}
