using System.Text.Json;
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
using QueueFlow.Core.Jobs;
using QueueFlow.Persistence;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace QueueFlow.Api.Jobs;

/// <summary>
/// Manual tasks, after Itential's claim, assign, release and finish. The caller is the API key's name: it claims,
/// releases and finishes as itself, and the saga lets only a task's holder finish it.
/// </summary>
public static class ManualTaskEndpoints
{
    public static RouteGroupBuilder MapManualTaskEndpoints(this IEndpointRouteBuilder routes)
    {
        var tasks = routes.MapGroup("/api/jobs/{id}/tasks/{taskId}").WithTags("Jobs");
        tasks.MapPost("/claim", ClaimAsync).RequireAuthorization(ApiPolicies.Operate).WithName("ClaimTask").WithSummary("Claim a manual task for the caller");
        tasks.MapPost("/assign", AssignAsync).RequireAuthorization(ApiPolicies.Operate)
            .Accepts<AssignTaskRequest>("application/json").WithName("AssignTask").WithSummary("Assign a manual task to a user");
        tasks.MapPost("/release", ReleaseAsync).RequireAuthorization(ApiPolicies.Operate).WithName("ReleaseTask").WithSummary("Release a claimed manual task");
        tasks.MapPost("/finish", FinishAsync).RequireAuthorization(ApiPolicies.Operate)
            .Accepts<FinishTaskRequest>("application/json").WithName("FinishTask").WithSummary("Finish a manual task with a finish state and output");
        return tasks;
    }

    static async Task<Results<Ok<TaskControlled>, ProblemHttpResult>> ClaimAsync(
        string id, string taskId, HttpContext http, IRequestClient<ClaimTask> client, IDbContextFactory<QueueFlowDbContext> dbFactory,
        IOptions<ApiOptions> options, CancellationToken cancellationToken)
    {
        var (commandId, badKey) = JobCommandRoute.CommandId(http, nameof(ClaimTask));
        if (badKey is not null)
            return badKey;
        var (task, problem) = await JobCommandRoute.FindTaskAsync(id, taskId, dbFactory, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return problem;

        var command = new ClaimTask { JobId = task!.JobId, TaskId = task.TaskId, User = Caller(http), CommandId = commandId };
        return await JobCommandRoute.AnswerAsync(client, command, http, options.Value.CommandTimeout, cancellationToken).ConfigureAwait(false);
    }

    static async Task<Results<Ok<TaskControlled>, ProblemHttpResult>> AssignAsync(
        string id, string taskId, HttpContext http, IRequestClient<AssignTask> client, IDbContextFactory<QueueFlowDbContext> dbFactory,
        IOptions<ApiOptions> options, IOptions<HttpJsonOptions> json, CancellationToken cancellationToken)
    {
        var (commandId, badKey) = JobCommandRoute.CommandId(http, nameof(AssignTask));
        if (badKey is not null)
            return badKey;
        var (body, bad) = await JsonBody.ReadAsync<AssignTaskRequest>(http.Request, options.Value.MaxRequestBodyBytes, json.Value.SerializerOptions, cancellationToken).ConfigureAwait(false);
        if (bad is not null)
            return bad;
        if (string.IsNullOrWhiteSpace(body!.Assignee))
            return ApiProblems.BadRequest("assignee must name the user who will hold the task.", new Dictionary<string, object?> { ["path"] = "$.assignee" });
        var (task, problem) = await JobCommandRoute.FindTaskAsync(id, taskId, dbFactory, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return problem;

        var command = new AssignTask { JobId = task!.JobId, TaskId = task.TaskId, Assignee = body.Assignee, AssignedBy = Caller(http), CommandId = commandId };
        return await JobCommandRoute.AnswerAsync(client, command, http, options.Value.CommandTimeout, cancellationToken).ConfigureAwait(false);
    }

    static async Task<Results<Ok<TaskControlled>, ProblemHttpResult>> ReleaseAsync(
        string id, string taskId, HttpContext http, IRequestClient<ReleaseTask> client, IDbContextFactory<QueueFlowDbContext> dbFactory,
        IOptions<ApiOptions> options, CancellationToken cancellationToken)
    {
        var (commandId, badKey) = JobCommandRoute.CommandId(http, nameof(ReleaseTask));
        if (badKey is not null)
            return badKey;
        var (task, problem) = await JobCommandRoute.FindTaskAsync(id, taskId, dbFactory, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return problem;

        var command = new ReleaseTask { JobId = task!.JobId, TaskId = task.TaskId, User = Caller(http), CommandId = commandId };
        return await JobCommandRoute.AnswerAsync(client, command, http, options.Value.CommandTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A CompleteTask for the task's current attempt, owned by the caller. The attempt is read from the committed row;
    /// should it end meanwhile, the saga answers the completion as stale (409), never applies it to a later attempt.
    /// </summary>
    static async Task<Results<Ok<TaskControlled>, ProblemHttpResult>> FinishAsync(
        string id, string taskId, HttpContext http, IRequestClient<CompleteTask> client, IDbContextFactory<QueueFlowDbContext> dbFactory,
        IOptions<ApiOptions> options, IOptions<HttpJsonOptions> json, CancellationToken cancellationToken)
    {
        var (commandId, badKey) = JobCommandRoute.CommandId(http, nameof(CompleteTask));
        if (badKey is not null)
            return badKey;
        var (body, bad) = await JobCommandRoute.ReadOptionalAsync<FinishTaskRequest>(http.Request, options.Value.MaxRequestBodyBytes, json.Value, cancellationToken).ConfigureAwait(false);
        if (bad is not null)
            return bad;
        if ((NotAnObject(body?.Variables, "variables") ?? NotAnObject(body?.Output, "output")) is { } wrongType)
            return wrongType;
        var (task, problem) = await JobCommandRoute.FindTaskAsync(id, taskId, dbFactory, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return problem;
        if (task!.Kind != TaskKind.Manual)
            return NotManual(task);
        if (task.AttemptId is not { } attemptId)
            return NotStarted(task);

        var command = new CompleteTask
        {
            JobId = task.JobId,
            TaskId = task.TaskId,
            AttemptId = attemptId,
            FinishState = body?.FinishState,
            Variables = body?.Variables is { ValueKind: JsonValueKind.Object } variables ? variables : null,
            Output = body?.Output is { ValueKind: JsonValueKind.Object } output ? output : null,
            Owner = Caller(http),
            CommandId = commandId,
        };
        return await JobCommandRoute.AnswerAsync(client, command, http, options.Value.CommandTimeout, cancellationToken).ConfigureAwait(false);
    }

    static ProblemHttpResult? NotAnObject(JsonElement? value, string field) =>
        value is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) } v
            ? ApiProblems.BadRequest($"{field} must be a JSON object, not {v.ValueKind}.", new Dictionary<string, object?> { ["path"] = $"$.{field}" })
            : null;

    static ProblemHttpResult NotManual(JobTask task) =>
        TypedResults.Problem($"Task '{task.TaskId}' is a {task.Kind.ToString().ToLowerInvariant()} task: its worker completes it, this route finishes manual tasks.",
            statusCode: StatusCodes.Status409Conflict, title: "Not a manual task",
            extensions: new Dictionary<string, object?> { ["jobId"] = task.JobId, ["taskId"] = task.TaskId, ["taskStatus"] = task.Status.ToString() });

    static ProblemHttpResult NotStarted(JobTask task) =>
        TypedResults.Problem($"Task '{task.TaskId}' is {task.Status}: it has not been reached, so there is nothing to finish.",
            statusCode: StatusCodes.Status409Conflict, title: "The task has not started",
            extensions: new Dictionary<string, object?> { ["jobId"] = task.JobId, ["taskId"] = task.TaskId, ["taskStatus"] = task.Status.ToString() });

    static string Caller(HttpContext http) => http.User.Identity!.Name!;
}
