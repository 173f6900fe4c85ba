using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using QueueFlow.Api.Problems;
using QueueFlow.Api.Security;
using QueueFlow.Contracts;
using QueueFlow.Persistence;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace QueueFlow.Api.Jobs;

/// <summary>
/// Repairing a job, after Itential's Operations Manager: retry a task, continue a failed job from a task, revert a
/// job to an earlier task. Each is a command to the job saga and the answer is its outcome.
/// </summary>
public static class TaskControlEndpoints
{
    public static RouteGroupBuilder MapTaskControlEndpoints(this IEndpointRouteBuilder routes)
    {
        var jobs = routes.MapGroup("/api/jobs").WithTags("Jobs");
        jobs.MapPost("/{id}/tasks/{taskId}/retry", RetryAsync).RequireAuthorization(ApiPolicies.Operate)
            .Accepts<RetryTaskRequest>("application/json").WithName("RetryTask").WithSummary("Retry a failed, timed-out or cancelled task");
        jobs.MapPost("/{id}/continue", ContinueAsync).RequireAuthorization(ApiPolicies.Operate)
            .Accepts<ContinueJobRequest>("application/json").WithName("ContinueJob").WithSummary("Continue a finished job from a task");
        jobs.MapPost("/{id}/revert", RevertAsync).RequireAuthorization(ApiPolicies.Operate)
            .Accepts<RevertJobRequest>("application/json").WithName("RevertJob").WithSummary("Revert a job to a task and run from there again");
        return jobs;
    }

    static async Task<Results<Ok<TaskControlled>, ProblemHttpResult>> RetryAsync(
        string id, string taskId, HttpContext http, IRequestClient<RetryTask> client, IDbContextFactory<QueueFlowDbContext> dbFactory,
        IOptions<ApiOptions> options, IOptions<HttpJsonOptions> json, CancellationToken cancellationToken)
    {
        var (commandId, badKey) = JobCommandRoute.CommandId(http, nameof(RetryTask));
        if (badKey is not null)
            return badKey;
        var (body, bad) = await JobCommandRoute.ReadOptionalAsync<RetryTaskRequest>(http.Request, options.Value.MaxRequestBodyBytes, json.Value, cancellationToken).ConfigureAwait(false);
        if (bad is not null)
            return bad;
        var (task, problem) = await JobCommandRoute.FindTaskAsync(id, taskId, dbFactory, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return problem;

        var command = new RetryTask { JobId = task!.JobId, TaskId = task.TaskId, Reason = body?.Reason, CommandId = commandId };
        return await JobCommandRoute.AnswerAsync(client, command, http, options.Value.CommandTimeout, cancellationToken).ConfigureAwait(false);
    }

    static async Task<Results<Ok<TaskControlled>, ProblemHttpResult>> ContinueAsync(
        string id, HttpContext http, IRequestClient<ContinueJob> client, IDbContextFactory<QueueFlowDbContext> dbFactory,
        IOptions<ApiOptions> options, IOptions<HttpJsonOptions> json, CancellationToken cancellationToken)
    {
        var (commandId, badKey) = JobCommandRoute.CommandId(http, nameof(ContinueJob));
        if (badKey is not null)
            return badKey;
        var (body, bad) = await JobCommandRoute.ReadOptionalAsync<ContinueJobRequest>(http.Request, options.Value.MaxRequestBodyBytes, json.Value, cancellationToken).ConfigureAwait(false);
        if (bad is not null)
            return bad;
        var (jobId, problem) = await JobCommandRoute.FindJobAsync(id, dbFactory, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return problem;

        // A task named in the body is the saga's to judge (409 Rejected when the job has no such task): it is not the resource.
        var command = new ContinueJob { JobId = jobId, FromTask = body?.FromTask, Reason = body?.Reason, CommandId = commandId };
        return await JobCommandRoute.AnswerAsync(client, command, http, options.Value.CommandTimeout, cancellationToken).ConfigureAwait(false);
    }

    static async Task<Results<Ok<TaskControlled>, ProblemHttpResult>> RevertAsync(
        string id, HttpContext http, IRequestClient<RevertJob> client, IDbContextFactory<QueueFlowDbContext> dbFactory,
        IOptions<ApiOptions> options, IOptions<HttpJsonOptions> json, CancellationToken cancellationToken)
    {
        var (commandId, badKey) = JobCommandRoute.CommandId(http, nameof(RevertJob));
        if (badKey is not null)
            return badKey;
        var (body, bad) = await JsonBody.ReadAsync<RevertJobRequest>(http.Request, options.Value.MaxRequestBodyBytes, json.Value.SerializerOptions, cancellationToken).ConfigureAwait(false);
        if (bad is not null)
            return bad;
        if (string.IsNullOrWhiteSpace(body!.ToTask))
            return ApiProblems.BadRequest("toTask must name the completed task to revert to.", new Dictionary<string, object?> { ["path"] = "$.toTask" });
        var (jobId, problem) = await JobCommandRoute.FindJobAsync(id, dbFactory, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return problem;

        var command = new RevertJob { JobId = jobId, FromTask = body.FromTask, ToTask = body.ToTask, CommandId = commandId };
        return await JobCommandRoute.AnswerAsync(client, command, http, options.Value.CommandTimeout, cancellationToken).ConfigureAwait(false);
    }
}
