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
using QueueFlow.Core.Adapters.Prefect;
using QueueFlow.Persistence;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace QueueFlow.Api.Seeds.Prefect;

/// <summary>
/// Prefect's set task run state (seed 004): the task run id names one iteration of a task; the proposal is a
/// SetTaskState through the saga's orchestration rules, answered 200 with {status, state, details} whatever the
/// rules decided (ACCEPT, REJECT, ABORT or WAIT are answers, not errors, as in Prefect).
/// </summary>
public static class PrefectEndpoints
{
    public static void MapPrefectEndpoints(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/api/task_runs/{id}/set_state", SetStateAsync).RequireAuthorization(ApiPolicies.Operate)
            .Accepts<PrefectSetStateRequest>("application/json").WithTags("Prefect").WithName("PrefectSetTaskRunState").WithSummary("Propose a task run state (Prefect's set_state)");

    static async Task<Results<Ok<PrefectOrchestrationResult>, ProblemHttpResult>> SetStateAsync(
        string id, HttpContext http, IRequestClient<SetTaskState> client, IDbContextFactory<QueueFlowDbContext> dbFactory,
        TimeProvider time, IOptions<ApiOptions> options, IOptions<HttpJsonOptions> json, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var taskRunId))
            return UnknownRun(id);

        var (request, problem) = await JsonBody.ReadAsync<PrefectSetStateRequest>(http.Request, options.Value.MaxRequestBodyBytes, json.Value.SerializerOptions, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return problem;

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        if (await SeedTasks.ByTaskRunIdAsync(db, taskRunId, cancellationToken).ConfigureAwait(false) is not { } task)
            return UnknownRun(id);

        // No attempt id: Prefect's proposal is about the run, whichever attempt of it is current.
        var translation = PrefectSetState.ToCommand(request!, task.JobId, task.TaskId, commandId: NewId.NextGuid());
        if (!translation.IsValid)
            return SeedProblems.Invalid(translation.Errors);

        var outcome = await SeedCommands.SendAsync(client, translation.Command!, options.Value, cancellationToken).ConfigureAwait(false);
        if (outcome is null)
            return ApiProblems.SagaTimeout(options.Value.CommandTimeout);

        // Read after the answer, which follows the commit: a retry's or a WAIT's state is dated by the task's scheduled time.
        var after = await SeedTasks.FindAsync(db, task.JobId, task.TaskId, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(PrefectSetState.ToResponse(request!.State!, outcome, time.GetUtcNow(), after?.ScheduledAt));
    }

    static ProblemHttpResult UnknownRun(string id) => ApiProblems.NotFound($"Task run '{id}' not found.");
}
