using System.Globalization;
using Microsoft.EntityFrameworkCore;
using QueueFlow.Api.Paging;
using QueueFlow.Persistence;

namespace QueueFlow.Api.Jobs;

/// <summary>
/// The page query of <c>GET /api/jobs</c>, ordered by (created_at, id), ascending or descending. Public so the plan test and the query
/// benchmark explain exactly the SQL the route runs.
/// </summary>
public static class JobListQuery
{
    /// <summary>
    /// The jobs after <paramref name="after"/> that match <paramref name="filter"/>, at most <paramref name="take"/>.
    /// The keyset condition is a row comparison, <c>(created_at, id) &gt; (@at, @id)</c>, not the equivalent OR: PostgreSQL
    /// turns only the row form into an index range, so a deep page starts where the last one ended instead of
    /// filtering its way there.
    /// </summary>
    public static IQueryable<JobSummary> Build(QueueFlowDbContext db, JobFilter filter, JobKey? after, int take, JobListSort sort = JobListSort.Oldest)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(filter);
        var query = filter.Apply(db.Jobs.AsNoTracking());
        if (after is { } key)
        {
            var (createdAt, id) = (key.CreatedAt, key.Id);
            query = sort == JobListSort.Newest
                ? query.Where(j => EF.Functions.LessThan(ValueTuple.Create(j.CreatedAt, j.CorrelationId), ValueTuple.Create(createdAt, id)))
                : query.Where(j => EF.Functions.GreaterThan(ValueTuple.Create(j.CreatedAt, j.CorrelationId), ValueTuple.Create(createdAt, id)));
        }

        var ordered = sort == JobListSort.Newest
            ? query.OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.CorrelationId)
            : query.OrderBy(j => j.CreatedAt).ThenBy(j => j.CorrelationId);
        return ordered.Take(take)
            .Select(j => new JobSummary(j.CorrelationId, j.Workflow, j.WorkflowVersion, j.Status, j.Owner, j.CreatedAt, j.UpdatedAt, j.EndedAt));
    }

    public static string Encode(JobSummary last, JobFilter filter, JobListSort sort = JobListSort.Oldest)
    {
        ArgumentNullException.ThrowIfNull(last);
        return Cursor.Encode(SortedScope(filter, sort), last.CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture), last.Id.ToString());
    }

    /// <summary>The key an <see cref="Encode"/>d cursor holds, or null when it is not one or was taken under another filter.</summary>
    public static JobKey? Decode(string cursor, JobFilter filter, out bool otherFilter, JobListSort sort = JobListSort.Oldest) =>
        Cursor.Decode(cursor, 2, SortedScope(filter, sort), out otherFilter) is [var ticks, var id]
        && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var utcTicks)
        && utcTicks <= DateTimeOffset.MaxValue.UtcTicks
        && Guid.TryParse(id, out var jobId)
            ? new JobKey(new DateTimeOffset(utcTicks, TimeSpan.Zero), jobId)
            : null;

    /// <summary>
    /// A newest-first cursor names a row to go below, an oldest-first one a row to go above: the sort is part of what
    /// the cursor is bound to, so one is never read under the other. Oldest keeps the scope cursors had before sorting existed.
    /// </summary>
    static string SortedScope(JobFilter filter, JobListSort sort) =>
        sort == JobListSort.Oldest ? Scope("jobs", filter) : Scope("jobs:" + sort.ToString().ToLowerInvariant(), filter);

    /// <summary>What a jobs cursor is bound to: the list and every filter value, times as UTC ticks.</summary>
    internal static string Scope(string list, JobFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return string.Join('\n', list, filter.Status?.ToString(), string.Join(',', filter.Statuses), filter.Workflow,
            filter.From?.UtcTicks.ToString(CultureInfo.InvariantCulture), filter.To?.UtcTicks.ToString(CultureInfo.InvariantCulture));
    }
}
