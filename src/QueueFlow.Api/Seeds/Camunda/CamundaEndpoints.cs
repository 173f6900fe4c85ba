using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using QueueFlow.Api.Security;
using QueueFlow.Contracts;
using QueueFlow.Core.Adapters.Camunda;
using QueueFlow.Persistence;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace QueueFlow.Api.Seeds.Camunda;

/// <summary>
/// Camunda 8's complete job (seed 001): the job key names one attempt of a task; the completion is a CompleteTask
/// for it, answered 204, or 400 / 404 / 409 / 500 as problem+json of exactly Camunda's shape (type about:blank,
/// title the rejection code, status, detail, instance the request path).
/// </summary>
public static class CamundaEndpoints
{
    const string AboutBlank = "about:blank";

    public static void MapCamundaEndpoints(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/v2/jobs/{jobKey}/completion", CompleteJobAsync).RequireAuthorization(ApiPolicies.Operate)
            .Accepts<CamundaCompleteJobRequest>("application/json").WithTags("Camunda").WithName("CamundaCompleteJob").WithSummary("Complete a job (Camunda 8's job completion)");

    /// <summary>
    /// A key that is no attempt's current one is 404: the attempt completed and its task moved on, or it timed out or
    /// failed and a retry (with a key of its own) replaced it, or it never existed. Camunda likewise forgets a job
    /// once it is done. The key of an attempt that already completed is the saga's duplicate, answered 204 again.
    /// </summary>
    static async Task<Results<NoContent, ProblemHttpResult>> CompleteJobAsync(
        string jobKey, HttpContext http, IRequestClient<CompleteTask> client, IDbContextFactory<QueueFlowDbContext> dbFactory,
        IOptions<ApiOptions> options, IOptions<HttpJsonOptions> json, CancellationToken cancellationToken)
    {
        if (!CamundaJobKey.TryParse(jobKey, out var key, out var keyError))
            return Problem(CamundaCompleteJob.InvalidKey(keyError!), http);

        var (request, problem) = await SeedBody.ReadOptionalAsync(http.Request, new CamundaCompleteJobRequest(), options.Value.MaxRequestBodyBytes, json.Value.SerializerOptions, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return Reworded(problem, http);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var tasks = await SeedTasks.ByJobKeyAsync(db, key.Value, cancellationToken).ConfigureAwait(false);
        if (tasks.Count == 0)
        {
            return Problem(new CamundaProblem(StatusCodes.Status404NotFound, CamundaCompleteJob.NotFound,
                $"Command 'COMPLETE' rejected with code '{CamundaCompleteJob.NotFound}': Expected to complete job with key '{key}', but no such job was found (it completed, timed out or failed and was retried under a new key, or never existed)"), http);
        }

        if (tasks.Count > 1)
            return Problem(CamundaCompleteJob.Internal($"the job key '{key}' names {tasks.Count} task attempts; complete them through the CompleteTask message with their attempt ids"), http);

        var task = tasks[0];
        var translation = CamundaCompleteJob.ToCommand(request!, task.JobId, task.TaskId, task.AttemptId!.Value, http.User.Identity!.Name, NewId.NextGuid());
        if (!translation.IsValid)
            return Problem(CamundaCompleteJob.Invalid(translation.Errors), http);

        var outcome = await SeedCommands.SendAsync(client, translation.Command!, options.Value, cancellationToken).ConfigureAwait(false);
        if (outcome is null)
        {
            return Problem(new CamundaProblem(StatusCodes.Status504GatewayTimeout, "DEADLINE_EXCEEDED",
                $"The job saga did not answer within {options.Value.CommandTimeout.TotalSeconds:0} s; the completion may still be applied."), http);
        }

        return CamundaCompleteJob.ToProblem(outcome, key) is { } rejected ? Problem(rejected, http) : TypedResults.NoContent();
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
