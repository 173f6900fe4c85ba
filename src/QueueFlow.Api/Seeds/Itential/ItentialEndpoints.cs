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
using QueueFlow.Core.Adapters;
using QueueFlow.Core.Adapters.Itential;
using QueueFlow.Core.Workflows;
using QueueFlow.Persistence;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace QueueFlow.Api.Seeds.Itential;

/// <summary>
/// Itential's finish task (seed 000, the workflow engine) and Operations Manager's finish of a manual task (seed 002):
/// a CompleteTask for the task's current attempt, then the job read back in Itential's job document. The caller's
/// key name is the completion's owner: who finished the task, as its metrics show.
/// </summary>
public static class ItentialEndpoints
{
    public static void MapItentialEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/workflow_engine/jobs/finish_task/{jobId}/{taskId}", FinishTaskAsync).RequireAuthorization(ApiPolicies.Operate)
            .Accepts<ItentialFinishTaskRequest>("application/json").WithTags("Itential").WithName("ItentialFinishTask").WithSummary("Finish a task (Itential workflow engine's finish_task)");
        routes.MapPost("/operations-manager/jobs/{jobId}/tasks/{taskId}/finish", FinishManualTaskAsync).RequireAuthorization(ApiPolicies.Operate)
            .Accepts<ItentialManualTaskFinishRequest>("application/json").WithTags("Itential").WithName("ItentialFinishManualTask").WithSummary("Finish a manual task (Itential Operations Manager)");
    }

    static async Task<Results<Ok<ItentialJobDocument>, ProblemHttpResult>> FinishTaskAsync(
        string jobId, string taskId, HttpContext http, IRequestClient<CompleteTask> client, IDbContextFactory<QueueFlowDbContext> dbFactory,
        IWorkflowCatalog catalog, TimeProvider time, IOptions<ApiOptions> options, IOptions<HttpJsonOptions> json, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync<ItentialFinishTaskRequest>(http.Request, options.Value.MaxRequestBodyBytes, json.Value.SerializerOptions, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return problem;

        var finished = await FinishAsync(jobId, taskId, http, client, dbFactory, catalog, time, options.Value,
            (id, attemptId, owner) => ItentialFinishTask.ToCommand(request!, id, taskId, attemptId, owner, NewId.NextGuid()), cancellationToken).ConfigureAwait(false);
        return finished.Problem is { } refused ? refused : TypedResults.Ok(finished.Job!);
    }

    static async Task<Results<Ok<ItentialResponseEnvelope<ItentialJobDocument>>, ProblemHttpResult>> FinishManualTaskAsync(
        string jobId, string taskId, HttpContext http, IRequestClient<CompleteTask> client, IDbContextFactory<QueueFlowDbContext> dbFactory,
        IWorkflowCatalog catalog, TimeProvider time, IOptions<ApiOptions> options, IOptions<HttpJsonOptions> json, CancellationToken cancellationToken)
    {
        var (request, problem) = await SeedBody.ReadOptionalAsync(http.Request, new ItentialManualTaskFinishRequest(), options.Value.MaxRequestBodyBytes, json.Value.SerializerOptions, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return problem;

        var finished = await FinishAsync(jobId, taskId, http, client, dbFactory, catalog, time, options.Value,
            (id, attemptId, owner) => ItentialFinishTask.ToCommand(request!, id, taskId, attemptId, owner, NewId.NextGuid()), cancellationToken).ConfigureAwait(false);
        return finished.Problem is { } refused ? refused : TypedResults.Ok(ItentialFinishTask.ToFinishResponse(finished.Job!));
    }

    /// <summary>
    /// Completes the task's current attempt: Itential names a task by (job, task), not by attempt, so the attempt is
    /// the one the task row shows now. Should another attempt start in between, the saga answers this one as stale.
    /// </summary>
    static async Task<(ItentialJobDocument? Job, ProblemHttpResult? Problem)> FinishAsync(
        string jobId, string taskId, HttpContext http, IRequestClient<CompleteTask> client, IDbContextFactory<QueueFlowDbContext> dbFactory,
        IWorkflowCatalog catalog, TimeProvider time, ApiOptions options, Func<Guid, Guid, string, Translation<CompleteTask>> translate, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(jobId, out var id))
            return (null, UnknownJob(jobId));

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var task = await SeedTasks.FindAsync(db, id, taskId, cancellationToken).ConfigureAwait(false);
        if (task is null)
        {
            return (null, await SeedTasks.JobExistsAsync(db, id, cancellationToken).ConfigureAwait(false)
                ? ApiProblems.NotFound($"Job '{jobId}' has no task '{taskId}'.")
                : UnknownJob(jobId));
        }

        // A Pending task may still show the attempt of an earlier loop iteration, which the saga would answer as a
        // duplicate of that iteration's completion: finishing the task now means its next iteration, not yet dispatched.
        if (task.AttemptId is not { } attemptId || task.Status == TaskRunStatus.Pending)
            return (null, SeedProblems.NotDispatched(taskId, task.Status));

        var translation = translate(id, attemptId, http.User.Identity!.Name!);
        if (!translation.IsValid)
            return (null, SeedProblems.Invalid(translation.Errors));

        var outcome = await SeedCommands.SendAsync(client, translation.Command!, options, cancellationToken).ConfigureAwait(false);
        if (outcome is null)
            return (null, ApiProblems.SagaTimeout(options.CommandTimeout));
        if (outcome.Status != CommandStatus.Accepted)
            return (null, SeedProblems.ForOutcome(outcome, http));

        // The saga answers after its transaction commits, so this read sees the completion and what followed it.
        if (await SeedTasks.ReadJobAsync(db, catalog, id, cancellationToken).ConfigureAwait(false) is not var (job, definition))
            return (null, UnknownJob(jobId));
        return (ItentialFinishTask.ToJobDocument(job, definition, time.GetUtcNow()), null);
    }

    static ProblemHttpResult UnknownJob(string id) => ApiProblems.NotFound($"No job has the id '{id}'.");
}
