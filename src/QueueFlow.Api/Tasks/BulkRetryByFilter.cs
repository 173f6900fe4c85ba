using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using QueueFlow.Api.Jobs;
using QueueFlow.Api.Paging;
using QueueFlow.Api.Problems;
using QueueFlow.Api.Security;
using QueueFlow.Contracts;
using QueueFlow.Persistence;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace QueueFlow.Api.Tasks;

/// <summary>
/// <c>POST /api/tasks/retry</c>: sends a RetryTask to every Failed or TimedOut task of a filter, a bounded page per
/// request in (job_id, task_id) order, as a bulk cancel by filter does. With an Idempotency-Key each task's command id is
/// derived from the key, so a request sent again is applied once (the saga answers the repeat as a duplicate).
/// </summary>
public static class BulkRetryByFilter
{
    public const int DefaultLimit = BulkByFilter.DefaultLimit;

    static readonly TaskRunStatus[] Retriable = [TaskRunStatus.Failed, TaskRunStatus.TimedOut];

    public static RouteHandlerBuilder MapBulkRetryEndpoint(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/api/tasks/retry", RetryAsync).RequireAuthorization(ApiPolicies.Operate).WithTags("Tasks").WithName("RetryTasks")
            .WithSummary("Retry every Failed or TimedOut task matching a filter")
            .WithDescription("At most limit tasks a request, in (jobId, taskId) order; pass nextCursor to carry on. An Idempotency-Key makes a repeated request apply once.")
            .Accepts<BulkRetryRequest>("application/json").Produces<BulkRetryResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    static async Task<Results<Ok<BulkRetryResult>, ProblemHttpResult>> RetryAsync(
        HttpContext http, IRequestClient<RetryTask> client, IDbContextFactory<QueueFlowDbContext> dbFactory,
        IOptions<ApiOptions> options, IOptions<HttpJsonOptions> json, CancellationToken cancellationToken)
    {
        if (BulkByFilter.IdempotencyKey(http.Request, out var key) is { } badKey)
            return badKey;
        var (request, bad) = await JsonBody.ReadAsync<BulkRetryRequest>(http.Request, options.Value.MaxRequestBodyBytes, json.Value.SerializerOptions, cancellationToken).ConfigureAwait(false);
        if (bad is not null)
            return bad;
        if (request!.Filter is not { } filter)
            return BulkByFilter.Invalid("$.filter", "filter is required: name the tasks to retry (an empty filter {} takes every Failed or TimedOut task).");
        if (Invalid(filter) is { } badFilter)
            return badFilter;
        if (BulkByFilter.Limit(request.Limit, out var limit) is { } badLimit)
            return badLimit;
        TaskKey? after = null;
        var scope = string.Join('\n', "retry", System.Text.Json.JsonSerializer.Serialize(filter));
        if (request.Cursor is { } cursor
            && (after = Cursor.Decode(cursor, 2, scope, out var otherFilter) is [var jobId, var taskId] && Guid.TryParse(jobId, out var id) ? new TaskKey(id, taskId) : null) is null)
        {
            return BulkByFilter.InvalidCursor(otherFilter);
        }

        List<TaskKey> keys;
        var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            if (await ListQuery.UnknownWorkflowAsync(db, filter.Workflow, cancellationToken).ConfigureAwait(false) is not null)
                return BulkByFilter.UnknownWorkflow(filter.Workflow!);
            keys = await Build(db, filter, after, limit + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        }

        var next = BulkByFilter.Page(keys, limit, last => Cursor.Encode(scope, last.JobId.ToString(), last.TaskId));
        var caller = http.User.Identity!.Name!;
        var timeout = options.Value.CommandTimeout;
        var items = await BulkByFilter.SendAsync(keys, async (task, ct) =>
            {
                var (jobId, taskId) = (task.JobId, task.TaskId);
                var commandId = key.Length == 0 ? NewId.NextGuid() : CommandIds.FromIdempotencyKey($"{nameof(RetryTask)}:{jobId}:{taskId}", caller, key);
                var command = new RetryTask { JobId = jobId, TaskId = taskId, Reason = request.Reason, CommandId = commandId };
                var outcome = (await client.GetResponse<CommandOutcome>(command, ct, RequestTimeout.After(ms: (int)timeout.TotalMilliseconds)).ConfigureAwait(false)).Message;
                return new BulkRetryItem(jobId, taskId, outcome.Status.ToString(), outcome.TaskStatus, outcome.Duplicate, outcome.Reason);
            },
            task => new BulkRetryItem(task.JobId, task.TaskId, BulkByFilter.TimeoutStatus, null, false,
                $"The job saga did not answer within {timeout.TotalSeconds:0} s; the retry may still be applied."),
            cancellationToken).ConfigureAwait(false);

        var retried = items.Count(i => i.Status == nameof(CommandStatus.Accepted));
        return TypedResults.Ok(new BulkRetryResult(items.Length, retried, items, next));
    }

    /// <summary>
    /// <c>POST /api/tasks/retry/count</c>: how many tasks a retry with the same filter would take now, counted up to
    /// <see cref="BulkByFilter.CountCap"/>, so a caller (the dashboard's confirmation) can say so before it acts.
    /// </summary>
    public static RouteHandlerBuilder MapBulkRetryCountEndpoint(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/api/tasks/retry/count", CountAsync).RequireAuthorization(ApiPolicies.Read).WithTags("Tasks").WithName("CountTasksToRetry")
            .WithSummary("Count the Failed or TimedOut tasks a retry by this filter would take")
            .WithDescription($"The same filter as POST /api/tasks/retry; nothing is sent. Counted up to {BulkByFilter.CountCap}: more is true when there are at least that many.")
            .Accepts<BulkRetryCountRequest>("application/json").Produces<BulkCount>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    static async Task<Results<Ok<BulkCount>, ProblemHttpResult>> CountAsync(
        HttpContext http, IDbContextFactory<QueueFlowDbContext> dbFactory, IOptions<ApiOptions> options, IOptions<HttpJsonOptions> json,
        CancellationToken cancellationToken)
    {
        var (request, bad) = await JsonBody.ReadAsync<BulkRetryCountRequest>(http.Request, options.Value.MaxRequestBodyBytes, json.Value.SerializerOptions, cancellationToken).ConfigureAwait(false);
        if (bad is not null)
            return bad;
        if (request!.Filter is not { } filter)
            return BulkByFilter.Invalid("$.filter", "filter is required: name the tasks to count (an empty filter {} counts every Failed or TimedOut task).");
        if (Invalid(filter) is { } badFilter)
            return badFilter;

        var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            if (await ListQuery.UnknownWorkflowAsync(db, filter.Workflow, cancellationToken).ConfigureAwait(false) is not null)
                return BulkByFilter.UnknownWorkflow(filter.Workflow!);
            return TypedResults.Ok(await BulkByFilter.CountAsync(Matches(db, filter), cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>A 400 for a filter no retry can take: a status that is not retried, or an empty time range.</summary>
    static ProblemHttpResult? Invalid(BulkRetryFilter filter)
    {
        if (filter.Status is { } status && !Retriable.Contains(status))
            return BulkByFilter.Invalid("$.filter.status", $"filter.status must be Failed or TimedOut, not {status}: only those are retried.");
        return BulkByFilter.Range(filter.From, filter.To) ?? BulkByFilter.Range(filter.CreatedFrom, filter.CreatedTo, "createdFrom", "createdTo");
    }

    /// <summary>The tasks of the filter after <paramref name="after"/>, in (job_id, task_id) order.</summary>
    public static IQueryable<TaskKey> Build(QueueFlowDbContext db, BulkRetryFilter filter, TaskKey? after, int take)
    {
        var query = Matches(db, filter);
        if (after is { } key)
        {
            var (afterJob, afterTask) = (key.JobId, key.TaskId);
            query = query.Where(t => EF.Functions.GreaterThan(ValueTuple.Create(t.JobId, t.TaskId), ValueTuple.Create(afterJob, afterTask)));
        }

        return query.OrderBy(t => t.JobId).ThenBy(t => t.TaskId).Take(take).Select(t => new TaskKey(t.JobId, t.TaskId));
    }

    /// <summary>Every task of the filter, in no order.</summary>
    static IQueryable<Core.Jobs.JobTask> Matches(QueueFlowDbContext db, BulkRetryFilter filter)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(filter);
        var statuses = filter.Status is { } one ? [one] : Retriable;
        var query = db.JobTasks.AsNoTracking().Where(t => statuses.Contains(t.Status));
        if (filter.Queue is { } queue)
            query = query.Where(t => t.Queue == queue);
        if (filter.TaskId is { } taskId)
            query = query.Where(t => t.TaskId == taskId);
        if (filter.Error is { } error)
        {
            var pattern = $"%{error.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal)}%";
            query = query.Where(t => t.Error != null && EF.Functions.ILike(t.Error, pattern, "\\"));
        }

        if (filter.From?.ToUniversalTime() is { } from)
            query = query.Where(t => t.EndedAt >= from);
        if (filter.To?.ToUniversalTime() is { } to)
            query = query.Where(t => t.EndedAt < to);
        if (filter.Workflow is not null || filter.JobStatuses is { Count: > 0 } || filter.CreatedFrom is not null || filter.CreatedTo is not null)
        {
            var jobs = new JobFilter
            {
                Statuses = filter.JobStatuses ?? [],
                Workflow = filter.Workflow,
                From = filter.CreatedFrom?.ToUniversalTime(),
                To = filter.CreatedTo?.ToUniversalTime(),
            }.Apply(db.Jobs);
            query = query.Where(t => jobs.Any(j => j.CorrelationId == t.JobId));
        }

        return query;
    }
}
