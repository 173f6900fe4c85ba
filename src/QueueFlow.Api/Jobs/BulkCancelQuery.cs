using System.Globalization;
using Microsoft.EntityFrameworkCore;
using QueueFlow.Api.Paging;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;
using QueueFlow.Persistence;

namespace QueueFlow.Api.Jobs;

/// <summary>
/// The jobs a bulk cancel by filter takes: those of the filter that are not finished, in (status, created_at, id)
/// order. Ordered by status first so the walk is one range of ix_jobs_status_created_at_id per open status, not a
/// walk of every job since the first one; public so the plan test explains exactly this SQL.
/// </summary>
public static class BulkCancelQuery
{
    /// <summary>The statuses a job can be cancelled from; every other one is finished.</summary>
    public static readonly IReadOnlyList<JobStatus> OpenStatuses = [JobStatus.Paused, JobStatus.Running];

    public static IQueryable<BulkCancelKey> Build(QueueFlowDbContext db, JobFilter filter, BulkCancelKey? after, int take)
    {
        var query = Matches(db, filter);
        if (after is { } key)
        {
            var (status, createdAt, id) = (key.Status, key.CreatedAt, key.Id);
            query = query.Where(j => EF.Functions.GreaterThan(ValueTuple.Create(j.Status, j.CreatedAt, j.CorrelationId), ValueTuple.Create(status, createdAt, id)));
        }

        return query.OrderBy(j => j.Status).ThenBy(j => j.CreatedAt).ThenBy(j => j.CorrelationId).Take(take)
            .Select(j => new BulkCancelKey(j.Status, j.CreatedAt, j.CorrelationId));
    }

    /// <summary>Every open job of the filter, in no order.</summary>
    public static IQueryable<Job> Matches(QueueFlowDbContext db, JobFilter filter)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(filter);
        var open = OpenStatuses.ToArray();
        return filter.Apply(db.Jobs.AsNoTracking()).Where(j => open.Contains(j.Status));
    }

    public static string Encode(BulkCancelKey last, JobFilter filter)
    {
        ArgumentNullException.ThrowIfNull(last);
        return Cursor.Encode(JobListQuery.Scope("cancel", filter), last.Status.ToString(), last.CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture), last.Id.ToString());
    }

    /// <summary>The key an <see cref="Encode"/>d cursor holds, or null when it is not one or was taken under another filter.</summary>
    public static BulkCancelKey? Decode(string cursor, JobFilter filter, out bool otherFilter) =>
        Cursor.Decode(cursor, 3, JobListQuery.Scope("cancel", filter), out otherFilter) is [var status, var ticks, var id]
        && Enum.TryParse<JobStatus>(status, out var jobStatus) && OpenStatuses.Contains(jobStatus)
        && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var utcTicks)
        && utcTicks <= DateTimeOffset.MaxValue.UtcTicks
        && Guid.TryParse(id, out var jobId)
            ? new BulkCancelKey(jobStatus, new DateTimeOffset(utcTicks, TimeSpan.Zero), jobId)
            : null;
}
