using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using QueueFlow.Api.OpenApi;
using QueueFlow.Api.Paging;
using QueueFlow.Api.Problems;
using QueueFlow.Api.Security;
using QueueFlow.Contracts;
using QueueFlow.Persistence;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace QueueFlow.Api.Jobs;

/// <summary>
/// Pause, resume and cancel: each is a command to the job saga over the bus and the answer is its outcome,
/// like starting a job. The API only reads the job row, to answer 404 for a job that does not exist.
/// </summary>
public static class JobControlEndpoints
{
    /// <summary>The most jobs one bulk cancel takes (ids, or a filter's limit), so one request cannot hold the saga's queue for long.</summary>
    public const int MaxBulkIds = 1000;

    public static RouteGroupBuilder MapJobControlEndpoints(this IEndpointRouteBuilder routes)
    {
        var jobs = routes.MapGroup("/api/jobs").WithTags("Jobs");
        jobs.MapPost("/{id}/pause", PauseAsync).RequireAuthorization(ApiPolicies.Operate)
            .Accepts<JobControlRequest>("application/json").WithName("PauseJob").WithSummary("Pause a job: running tasks finish, nothing new starts")
            .WithParameters(DeclaredParameter.Header(JobEndpoints.IdempotencyKeyHeader, "Makes a retried request the same command: the same key with the same request is answered like the first (at most 255 characters).")).WithProblems(422);
        jobs.MapPost("/{id}/resume", ResumeAsync).RequireAuthorization(ApiPolicies.Operate).WithName("ResumeJob").WithSummary("Resume a paused job")
            .WithParameters(DeclaredParameter.Header(JobEndpoints.IdempotencyKeyHeader, "Makes a retried request the same command: the same key with the same request is answered like the first (at most 255 characters).")).WithProblems(422);
        jobs.MapPost("/{id}/cancel", CancelAsync).RequireAuthorization(ApiPolicies.Operate)
            .Accepts<JobControlRequest>("application/json").WithName("CancelJob").WithSummary("Cancel a job and its running tasks")
            .WithParameters(DeclaredParameter.Header(JobEndpoints.IdempotencyKeyHeader, "Makes a retried request the same command: the same key with the same request is answered like the first (at most 255 characters).")).WithProblems(422);
        jobs.MapPost("/cancel", CancelManyAsync).RequireAuthorization(ApiPolicies.Operate)
            .Accepts<BulkCancelRequest>("application/json").WithName("CancelJobs").WithSummary("Cancel many jobs, by ids or by a filter");
        jobs.MapPost("/cancel/count", CountToCancelAsync).RequireAuthorization(ApiPolicies.Read)
            .Accepts<BulkCancelCountRequest>("application/json").WithName("CountJobsToCancel").WithSummary("Count the open jobs a cancel by this filter would take")
            .WithDescription($"The same filter as POST /api/jobs/cancel; nothing is sent. Counted up to {BulkByFilter.CountCap}: more is true when there are at least that many.");
        return jobs;
    }

    static async Task<Results<Ok<JobControlled>, ProblemHttpResult>> PauseAsync(
        string id, HttpContext http, IRequestClient<PauseJob> client, IDbContextFactory<QueueFlowDbContext> dbFactory,
        IOptions<ApiOptions> options, IOptions<HttpJsonOptions> json, CancellationToken cancellationToken)
    {
        var (jobId, commandId, request, problem) = await PrepareAsync(id, nameof(PauseJob), http, dbFactory, options.Value, json.Value, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return problem;
        return await SendAsync(client, new PauseJob { JobId = jobId, Reason = request?.Reason, CommandId = commandId }, http, options.Value, cancellationToken).ConfigureAwait(false);
    }

    static async Task<Results<Ok<JobControlled>, ProblemHttpResult>> ResumeAsync(
        string id, HttpContext http, IRequestClient<ResumeJob> client, IDbContextFactory<QueueFlowDbContext> dbFactory,
        IOptions<ApiOptions> options, IOptions<HttpJsonOptions> json, CancellationToken cancellationToken)
    {
        var (jobId, commandId, _, problem) = await PrepareAsync(id, nameof(ResumeJob), http, dbFactory, options.Value, json.Value, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return problem;
        return await SendAsync(client, new ResumeJob { JobId = jobId, CommandId = commandId }, http, options.Value, cancellationToken).ConfigureAwait(false);
    }

    static async Task<Results<Ok<JobControlled>, ProblemHttpResult>> CancelAsync(
        string id, HttpContext http, IRequestClient<CancelJob> client, IDbContextFactory<QueueFlowDbContext> dbFactory,
        IOptions<ApiOptions> options, IOptions<HttpJsonOptions> json, CancellationToken cancellationToken)
    {
        var (jobId, commandId, request, problem) = await PrepareAsync(id, nameof(CancelJob), http, dbFactory, options.Value, json.Value, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return problem;
        return await SendAsync(client, new CancelJob { JobId = jobId, Reason = request?.Reason, CommandId = commandId }, http, options.Value, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One outcome per id, in the request's order. An unknown id is the saga's own answer (Rejected "unknown job"),
    /// not a 404 for the whole request: the other jobs are still cancelled. With a filter instead of ids, see
    /// <see cref="BulkCancelByFilter"/>.
    /// </summary>
    static async Task<Results<Ok<IReadOnlyList<BulkCancelItem>>, Ok<BulkCancelByFilterResult>, ProblemHttpResult>> CancelManyAsync(
        HttpContext http, IRequestClient<CancelJob> client, IDbContextFactory<QueueFlowDbContext> dbFactory, IOptions<ApiOptions> options,
        IOptions<HttpJsonOptions> json, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync<BulkCancelRequest>(http.Request, options.Value.MaxRequestBodyBytes, json.Value.SerializerOptions, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return problem;
        if ((request!.Ids is null) == (request.Filter is null))
            return ApiProblems.BadRequest("Give either ids, the jobs to cancel, or filter, the open jobs to cancel, not both or neither.", new Dictionary<string, object?> { ["path"] = "$" });
        if (request.Filter is not null)
        {
            var (result, filterProblem) = await BulkCancelByFilter.CancelAsync(request, client, dbFactory, options.Value, cancellationToken).ConfigureAwait(false);
            return filterProblem is not null ? filterProblem : TypedResults.Ok(result!);
        }

        if (request.Limit is not null || request.Cursor is not null)
            return ApiProblems.BadRequest("limit and cursor go with a filter, not with ids.", new Dictionary<string, object?> { ["path"] = request.Limit is not null ? "$.limit" : "$.cursor" });
        if (request.Ids is not { Count: > 0 and <= MaxBulkIds } ids)
            return ApiProblems.BadRequest($"ids must name from 1 to {MaxBulkIds} jobs.", new Dictionary<string, object?> { ["path"] = "$.ids" });

        var items = await BulkCancel.SendAsync(client, ids, request.Reason, options.Value.CommandTimeout, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok<IReadOnlyList<BulkCancelItem>>(items);
    }

    static async Task<Results<Ok<BulkCount>, ProblemHttpResult>> CountToCancelAsync(
        HttpContext http, IDbContextFactory<QueueFlowDbContext> dbFactory, IOptions<ApiOptions> options, IOptions<HttpJsonOptions> json,
        CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync<BulkCancelCountRequest>(http.Request, options.Value.MaxRequestBodyBytes, json.Value.SerializerOptions, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return problem;
        if (request!.Filter is not { } filter)
            return BulkByFilter.Invalid("$.filter", "filter is required: name the jobs to count (an empty filter {} counts every open job).");
        var (count, filterProblem) = await BulkCancelByFilter.CountAsync(filter, dbFactory, cancellationToken).ConfigureAwait(false);
        return filterProblem is not null ? filterProblem : TypedResults.Ok(count!);
    }

    /// <summary>The job id once the job is known to exist, the command's id (from an Idempotency-Key, if any) and the optional body.</summary>
    static async Task<(Guid JobId, Guid CommandId, JobControlRequest? Request, ProblemHttpResult? Problem)> PrepareAsync(
        string id, string command, HttpContext http, IDbContextFactory<QueueFlowDbContext> dbFactory, ApiOptions options, HttpJsonOptions json, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out _))
            return (Guid.Empty, Guid.Empty, null, JobCommandRoute.UnknownJob(id));

        var (commandId, keyProblem) = JobCommandRoute.CommandId(http, command);
        if (keyProblem is not null)
            return (Guid.Empty, Guid.Empty, null, keyProblem);

        var (request, bodyProblem) = await JobCommandRoute.ReadOptionalAsync<JobControlRequest>(http.Request, options.MaxRequestBodyBytes, json, cancellationToken).ConfigureAwait(false);
        if (bodyProblem is not null)
            return (Guid.Empty, Guid.Empty, null, bodyProblem);

        var (jobId, problem) = await JobCommandRoute.FindJobAsync(id, dbFactory, cancellationToken).ConfigureAwait(false);
        return (jobId, commandId, request, problem);
    }

    static async Task<Results<Ok<JobControlled>, ProblemHttpResult>> SendAsync<T>(
        IRequestClient<T> client, T command, HttpContext http, ApiOptions options, CancellationToken cancellationToken)
        where T : class
    {
        var (outcome, problem) = await JobCommandRoute.SendAsync(client, command, options.CommandTimeout, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return problem;
        return outcome!.Status == CommandStatus.Accepted
            ? TypedResults.Ok(new JobControlled(outcome.Status, outcome.JobStatus))
            : ApiProblems.ForOutcome(outcome, http);
    }
}
