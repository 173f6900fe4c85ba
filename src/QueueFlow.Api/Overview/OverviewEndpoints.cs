using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using QueueFlow.Api.Security;
using QueueFlow.Api.Stats;
using QueueFlow.Persistence;
using QueueFlow.Persistence.Counts;

namespace QueueFlow.Api.Overview;

/// <summary><c>GET /api/overview</c>: the state of the deployment in one answer, for <c>queueflow status</c> and dashboards.</summary>
public static class OverviewEndpoints
{
    public static RouteHandlerBuilder MapOverviewEndpoint(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/api/overview", GetAsync).RequireAuthorization(ApiPolicies.Read).WithTags("Overview").WithName("GetOverview")
            .WithSummary("Jobs and tasks per status, dead letters, the oldest running task, outbox and timer lag, each task queue's backlog")
            .Produces<Overview>().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);

    static async Task<Ok<Overview>> GetAsync(IDbContextFactory<QueueFlowDbContext> dbFactory, IQueueBacklogReader broker, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var counts = await StatusCounts.ReadAsync(db, cancellationToken).ConfigureAwait(false);
        var deadLetters = await db.DeadLetters.GroupBy(d => d.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var oldest = await db.JobTasks.Where(t => t.Status == Contracts.TaskRunStatus.Running && t.StartedAt != null).OrderBy(t => t.StartedAt)
            .Select(t => new { t.JobId, t.TaskId, t.Queue, t.StartedAt }).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        var outboxCount = await db.Outbox.CountAsync(cancellationToken).ConfigureAwait(false);
        var outboxOldest = await db.Outbox.MinAsync(o => (DateTimeOffset?)o.CreatedAt, cancellationToken).ConfigureAwait(false);

        // Quartz keeps next_fire_time as UTC ticks; a WAITING trigger past it has not fired yet.
        var nowTicks = now.UtcTicks;
        var timers = await db.Database.SqlQuery<TimerLag>($"""
            SELECT count(*)::int AS "Waiting", min(next_fire_time) AS "OldestTicks"
            FROM quartz.qrtz_triggers WHERE trigger_state = 'WAITING' AND next_fire_time < {nowTicks}
            """).SingleAsync(cancellationToken).ConfigureAwait(false);
        var queues = await StatsQueries.QueuesAsync(counts, broker, cancellationToken).ConfigureAwait(false);

        return TypedResults.Ok(new Overview(
            now,
            PresentStatuses(counts, StatusCounts.Jobs),
            PresentStatuses(counts, StatusCounts.Tasks),
            deadLetters.ToDictionary(d => d.Key.ToString(), d => d.Count),
            oldest is null ? null : new OldestRunningTask(oldest.JobId, oldest.TaskId, oldest.Queue, oldest.StartedAt!.Value, (now - oldest.StartedAt.Value).TotalSeconds),
            new Backlog(outboxCount, outboxOldest is { } first ? Math.Max(0, (now - first).TotalSeconds) : 0),
            new Backlog(timers.Waiting, timers.OldestTicks is { } ticks ? Math.Max(0, (nowTicks - ticks) / (double)TimeSpan.TicksPerSecond) : 0),
            queues));
    }

    /// <summary>The statuses with at least one job (or task), as this route has always answered: no zeros.</summary>
    static Dictionary<string, int> PresentStatuses(IEnumerable<StatusCount> counts, string entity) =>
        counts.Where(c => c.Entity == entity).GroupBy(c => c.Status).ToDictionary(g => g.Key, g => (int)g.Sum(c => c.Count), StringComparer.Ordinal);

    sealed record TimerLag(int Waiting, long? OldestTicks);
}
