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
using QueueFlow.Core.Adapters.Cognite;
using QueueFlow.Core.Workflows;
using QueueFlow.Persistence;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace QueueFlow.Api.Seeds.Cognite;

/// <summary>
/// Cognite Data Fusion's update task (seed 003), at the path its SDK calls. Cognite's task id is QueueFlow's
/// attempt id: an id names one execution of a task, so an update from an attempt that timed out and was retried
/// cannot complete the retry. COMPLETED is a CompleteTask, FAILED a FailTask the task's retries apply to,
/// FAILED_WITH_TERMINAL_ERROR a terminal FailTask; the answer is the task object read back afterwards.
/// </summary>
public static class CogniteEndpoints
{
    public static void MapCogniteEndpoints(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/api/v1/projects/{project}/workflows/tasks/{taskId}/update", UpdateTaskAsync).RequireAuthorization(ApiPolicies.Operate)
            .Accepts<CogniteTaskUpdateRequest>("application/json").WithTags("Cognite").WithName("CogniteUpdateTask").WithSummary("Update a task's status (Cognite Data Fusion's task update)");

    /// <summary>
    /// The path's project is Cognite's and not bound: QueueFlow has one project. A FAILED update
    /// that the retries turn into a new attempt answers the task as it is now, with the new attempt's id.
    /// </summary>
    static async Task<Results<Ok<CogniteTask>, ProblemHttpResult>> UpdateTaskAsync(
        string taskId, HttpContext http, IRequestClient<CompleteTask> completeClient, IRequestClient<FailTask> failClient,
        IDbContextFactory<QueueFlowDbContext> dbFactory, IWorkflowCatalog catalog, IOptions<ApiOptions> options, IOptions<HttpJsonOptions> json,
        CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(taskId, out var attemptId))
            return UnknownTask(taskId);

        var (request, problem) = await JsonBody.ReadAsync<CogniteTaskUpdateRequest>(http.Request, options.Value.MaxRequestBodyBytes, json.Value.SerializerOptions, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return problem;

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        if (await SeedTasks.ByAttemptIdAsync(db, attemptId, cancellationToken).ConfigureAwait(false) is not { } task)
            return UnknownTask(taskId);

        var translation = CogniteUpdateTask.ToCommand(request!, task.JobId, task.TaskId, attemptId, http.User.Identity!.Name, NewId.NextGuid());
        if (!translation.IsValid)
            return SeedProblems.Invalid(translation.Errors);

        var command = translation.Command!;
        var outcome = command.Complete is { } complete
            ? await SeedCommands.SendAsync(completeClient, complete, options.Value, cancellationToken).ConfigureAwait(false)
            : await SeedCommands.SendAsync(failClient, command.Fail!, options.Value, cancellationToken).ConfigureAwait(false);
        if (outcome is null)
            return ApiProblems.SagaTimeout(options.Value.CommandTimeout);
        if (outcome.Status != CommandStatus.Accepted)
            return SeedProblems.ForOutcome(outcome, http);

        if (await SeedTasks.ReadJobAsync(db, catalog, task.JobId, cancellationToken).ConfigureAwait(false) is not var (job, definition)
            || job.FindTask(task.TaskId) is not { } after)
            return UnknownTask(taskId);
        return TypedResults.Ok(CogniteUpdateTask.ToTask(after, definition.TasksById[after.TaskId]));
    }

    static ProblemHttpResult UnknownTask(string id) =>
        ApiProblems.NotFound($"No task execution with id '{id}' is in progress: it never existed, or its attempt ended and a newer one replaced it.");
}
