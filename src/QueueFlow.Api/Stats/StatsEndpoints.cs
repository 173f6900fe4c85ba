using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using QueueFlow.Api.Security;
using QueueFlow.Contracts;
using QueueFlow.Persistence;
using QueueFlow.Persistence.Counts;

namespace QueueFlow.Api.Stats;

/// <summary><c>GET /api/stats</c>: the figures a dashboard draws, in one answer.</summary>
public static class StatsEndpoints
{
    public static RouteHandlerBuilder MapStatsEndpoint(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/api/stats", GetAsync).RequireAuthorization(ApiPolicies.Read).WithTags("Overview").WithName("GetStats")
            .WithSummary("Jobs and tasks per status, per workflow and per task queue with its broker backlog, and completions and failures per minute over the last hour")
            .WithDescription("Every status is listed, zeros included. A queue's backlog is read from RabbitMQ and is null when the broker cannot be read; the rest still answers.")
            .Produces<DeploymentStats>().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);

    static async Task<Ok<DeploymentStats>> GetAsync(IDbContextFactory<QueueFlowDbContext> dbFactory, IQueueBacklogReader broker, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var counts = await StatusCounts.ReadAsync(db, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new DeploymentStats(
            now,
            StatsQueries.Counts<JobStatus>(counts, StatusCounts.Jobs),
            StatsQueries.Counts<TaskRunStatus>(counts, StatusCounts.Tasks),
            StatsQueries.Workflows(counts),
            await StatsQueries.QueuesAsync(counts, broker, cancellationToken).ConfigureAwait(false),
            await StatsQueries.ThroughputAsync(db, now, cancellationToken).ConfigureAwait(false)));
    }
}
