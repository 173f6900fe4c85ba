using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using QueueFlow.Api.Security;
using QueueFlow.Contracts;
using QueueFlow.Persistence;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace QueueFlow.Api.Jobs;

/// <summary>
/// Watching a job, after Itential's watch and unwatch: the watcher (the caller unless the body names one) then gets
/// the job's state changes on the <c>queueflow-watch</c> exchange, routed by its name.
/// </summary>
public static class WatchEndpoints
{
    public static RouteGroupBuilder MapWatchEndpoints(this IEndpointRouteBuilder routes)
    {
        var jobs = routes.MapGroup("/api/jobs").WithTags("Jobs");
        jobs.MapPost("/{id}/watch", WatchAsync).RequireAuthorization(ApiPolicies.Operate)
            .Accepts<WatchRequest>("application/json").WithName("WatchJob").WithSummary("Send the job's state changes to a watcher's queue");
        jobs.MapPost("/{id}/unwatch", UnwatchAsync).RequireAuthorization(ApiPolicies.Operate)
            .Accepts<WatchRequest>("application/json").WithName("UnwatchJob").WithSummary("Stop sending the job's state changes to a watcher");
        return jobs;
    }

    static async Task<Results<Ok<TaskControlled>, ProblemHttpResult>> WatchAsync(
        string id, HttpContext http, IRequestClient<WatchJob> client, IDbContextFactory<QueueFlowDbContext> dbFactory,
        IOptions<ApiOptions> options, IOptions<HttpJsonOptions> json, CancellationToken cancellationToken)
    {
        var (commandId, badKey) = JobCommandRoute.CommandId(http, nameof(WatchJob));
        if (badKey is not null)
            return badKey;
        var (body, bad) = await JobCommandRoute.ReadOptionalAsync<WatchRequest>(http.Request, options.Value.MaxRequestBodyBytes, json.Value, cancellationToken).ConfigureAwait(false);
        if (bad is not null)
            return bad;
        var (jobId, problem) = await JobCommandRoute.FindJobAsync(id, dbFactory, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return problem;

        var command = new WatchJob { JobId = jobId, Watcher = body?.Watcher ?? http.User.Identity!.Name!, CommandId = commandId };
        return await JobCommandRoute.AnswerAsync(client, command, http, options.Value.CommandTimeout, cancellationToken).ConfigureAwait(false);
    }

    static async Task<Results<Ok<TaskControlled>, ProblemHttpResult>> UnwatchAsync(
        string id, HttpContext http, IRequestClient<UnwatchJob> client, IDbContextFactory<QueueFlowDbContext> dbFactory,
        IOptions<ApiOptions> options, IOptions<HttpJsonOptions> json, CancellationToken cancellationToken)
    {
        var (commandId, badKey) = JobCommandRoute.CommandId(http, nameof(UnwatchJob));
        if (badKey is not null)
            return badKey;
        var (body, bad) = await JobCommandRoute.ReadOptionalAsync<WatchRequest>(http.Request, options.Value.MaxRequestBodyBytes, json.Value, cancellationToken).ConfigureAwait(false);
        if (bad is not null)
            return bad;
        var (jobId, problem) = await JobCommandRoute.FindJobAsync(id, dbFactory, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return problem;

        var command = new UnwatchJob { JobId = jobId, Watcher = body?.Watcher ?? http.User.Identity!.Name!, CommandId = commandId };
        return await JobCommandRoute.AnswerAsync(client, command, http, options.Value.CommandTimeout, cancellationToken).ConfigureAwait(false);
    }
}
