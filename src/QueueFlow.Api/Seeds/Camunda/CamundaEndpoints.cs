using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using QueueFlow.Api.Security;
using QueueFlow.Contracts;
using QueueFlow.Core.Adapters;
using QueueFlow.Core.Adapters.Camunda;
using QueueFlow.Core.Jobs;
using QueueFlow.Persistence;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace QueueFlow.Api.Seeds.Camunda;

/// <summary>
/// Camunda 8's job routes (seed 001 and Camunda's own API): complete, fail and throw error. The job key names one
/// attempt of a task; each request is a command to the saga for it (CompleteTask, or FailTask), answered 204, or
/// 400 / 404 / 409 / 500 as problem+json of exactly Camunda's shape (type about:blank, title the rejection code,
/// status, detail, instance the request path).
/// </summary>
public static class CamundaEndpoints
{
    const string AboutBlank = "about:blank";

    public static void MapCamundaEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v2/jobs/{jobKey}/completion", CompleteJobAsync).RequireAuthorization(ApiPolicies.Operate)
            .Accepts<CamundaCompleteJobRequest>("application/json").WithTags("Camunda").WithName("CamundaCompleteJob")
            .WithSummary("Complete the attempt the job key names (Camunda's complete job)")
            .WithCamundaProblems();
        routes.MapPost("/v2/jobs/{jobKey}/failure", FailJobAsync).RequireAuthorization(ApiPolicies.Operate)
            .Accepts<CamundaFailJobRequest>("application/json").WithTags("Camunda").WithName("CamundaFailJob")
            .WithSummary("Fail the attempt the job key names: retried after retryBackOff while retries are left, else failed for good (Camunda's fail job)")
            .WithCamundaProblems();
        routes.MapPost("/v2/jobs/{jobKey}/error", ThrowErrorAsync).RequireAuthorization(ApiPolicies.Operate)
            .Accepts<CamundaThrowErrorRequest>("application/json").WithTags("Camunda").WithName("CamundaThrowError")
            .WithSummary("Throw a business error for the attempt the job key names: the task's transitions on errorCode, else on error, catch it; uncaught, the task fails for good (Camunda's throw error)")
            .WithCamundaProblems();
    }

    static RouteHandlerBuilder WithCamundaProblems(this RouteHandlerBuilder route) =>
        route.ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status500InternalServerError).ProducesProblem(StatusCodes.Status504GatewayTimeout);

    /// <summary>
    /// A key that is no attempt's current one is 404: the attempt completed and its task moved on, or it timed out or
    /// failed and a retry (with a key of its own) replaced it, or it never existed. Camunda likewise forgets a job
    /// once it is done. The key of an attempt that already completed is the saga's duplicate, answered 204 again.
    /// </summary>
    static Task<Results<NoContent, ProblemHttpResult>> CompleteJobAsync(
        string jobKey, HttpContext http, IRequestClient<CompleteTask> client, IDbContextFactory<QueueFlowDbContext> dbFactory,
        IOptions<ApiOptions> options, IOptions<HttpJsonOptions> json, CancellationToken cancellationToken) =>
        AnswerAsync(jobKey, http, client, dbFactory, options.Value, json.Value.SerializerOptions, CamundaCompleteJob.Command, new CamundaCompleteJobRequest(),
            (request, task, owner) => CamundaCompleteJob.ToCommand(request, task.JobId, task.TaskId, task.AttemptId!.Value, owner, NewId.NextGuid()), cancellationToken);

    /// <summary>A repeated failure of the same attempt is the saga's duplicate, answered 204 again; a retried attempt's old key is 404.</summary>
    static Task<Results<NoContent, ProblemHttpResult>> FailJobAsync(
        string jobKey, HttpContext http, IRequestClient<FailTask> client, IDbContextFactory<QueueFlowDbContext> dbFactory,
        IOptions<ApiOptions> options, IOptions<HttpJsonOptions> json, CancellationToken cancellationToken) =>
        AnswerAsync(jobKey, http, client, dbFactory, options.Value, json.Value.SerializerOptions, CamundaFailJob.Command, new CamundaFailJobRequest(),
            (request, task, owner) => CamundaFailJob.ToCommand(request, task.JobId, task.TaskId, task.AttemptId!.Value, owner, NewId.NextGuid()), cancellationToken);

    /// <summary>Camunda answers a thrown error 204 whether or not it is caught; an uncaught one is its incident, here a failed task.</summary>
    static Task<Results<NoContent, ProblemHttpResult>> ThrowErrorAsync(
        string jobKey, HttpContext http, IRequestClient<FailTask> client, IDbContextFactory<QueueFlowDbContext> dbFactory,
        IOptions<ApiOptions> options, IOptions<HttpJsonOptions> json, CancellationToken cancellationToken) =>
        AnswerAsync(jobKey, http, client, dbFactory, options.Value, json.Value.SerializerOptions, CamundaThrowError.Command, new CamundaThrowErrorRequest(),
            (request, task, owner) => CamundaThrowError.ToCommand(request, task.JobId, task.TaskId, task.AttemptId!.Value, owner, NewId.NextGuid()), cancellationToken);

    /// <summary>Every job route's one path: the key, the body, the attempt the key names, the command, the saga's answer.</summary>
    static async Task<Results<NoContent, ProblemHttpResult>> AnswerAsync<TRequest, TCommand>(
        string jobKey, HttpContext http, IRequestClient<TCommand> client, IDbContextFactory<QueueFlowDbContext> dbFactory, ApiOptions options,
        System.Text.Json.JsonSerializerOptions json, string command, TRequest empty, Func<TRequest, JobTask, string?, Translation<TCommand>> translate,
        CancellationToken cancellationToken)
        where TRequest : class
        where TCommand : class
    {
        if (!CamundaJobKey.TryParse(jobKey, out var key, out var keyError))
            return Problem(CamundaCompleteJob.InvalidKey(keyError!), http);

        var (request, problem) = await SeedBody.ReadOptionalAsync(http.Request, empty, options.MaxRequestBodyBytes, json, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return Reworded(problem, http);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var tasks = await SeedTasks.ByJobKeyAsync(db, key.Value, cancellationToken).ConfigureAwait(false);
        if (tasks.Count == 0)
            return Problem(CamundaCompleteJob.KeyNotFound(key, command), http);
        if (tasks.Count > 1)
            return Problem(CamundaCompleteJob.Internal($"the job key '{key}' names {tasks.Count} task attempts; address them through the bus's messages with their attempt ids"), http);

        var translation = translate(request!, tasks[0], http.User.Identity!.Name);
        if (!translation.IsValid)
            return Problem(CamundaCompleteJob.Invalid(translation.Errors), http);

        var outcome = await SeedCommands.SendAsync(client, translation.Command!, options, cancellationToken).ConfigureAwait(false);
        if (outcome is null)
        {
            return Problem(new CamundaProblem(StatusCodes.Status504GatewayTimeout, "DEADLINE_EXCEEDED",
                $"The job saga did not answer within {options.CommandTimeout.TotalSeconds:0} s; the command may still be applied."), http);
        }

        return CamundaCompleteJob.ToProblem(outcome, key, command) is { } rejected ? Problem(rejected, http) : TypedResults.NoContent();
    }

    static ProblemHttpResult Problem(CamundaProblem problem, HttpContext http) =>
        TypedResults.Problem(problem.Detail, instance: http.Request.Path, statusCode: problem.Status, title: problem.Title, type: AboutBlank);

    /// <summary>A body the API could not read (malformed JSON, a wrong type, too large, not JSON), in Camunda's shape.</summary>
    static ProblemHttpResult Reworded(ProblemHttpResult problem, HttpContext http)
    {
        var details = problem.ProblemDetails;
        var status = details.Status ?? StatusCodes.Status400BadRequest;
        var title = status == StatusCodes.Status400BadRequest ? CamundaCompleteJob.InvalidArgument : details.Title ?? CamundaCompleteJob.InvalidArgument;
        return TypedResults.Problem(details.Detail, instance: http.Request.Path, statusCode: status, title: title, type: AboutBlank, extensions: details.Extensions);
    }
}
