using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using QueueFlow.Api.Paging;
using QueueFlow.Api.Problems;
using QueueFlow.Api.Security;
using QueueFlow.Contracts;
using QueueFlow.Persistence;

namespace QueueFlow.Api.Tasks;

/// <summary><c>/api/tasks</c>: tasks across jobs, read from PostgreSQL.</summary>
public static class TaskEndpoints
{
    public static RouteGroupBuilder MapTaskEndpoints(this IEndpointRouteBuilder routes)
    {
        var tasks = routes.MapGroup("/api/tasks").WithTags("Tasks");
        tasks.MapGet("/", ListAsync).RequireAuthorization(ApiPolicies.Read).WithName("ListTasks");
        return tasks;
    }

    /// <summary>
    /// Ordered by (job_id, task_id), the table's primary key: a task row has no creation time of its own, and the
    /// key is stable and unique, which is all keyset paging needs.
    /// </summary>
    static async Task<Results<Ok<Page<TaskSummary>>, ProblemHttpResult>> ListAsync(
        HttpRequest request, IDbContextFactory<QueueFlowDbContext> dbFactory, CancellationToken cancellationToken)
    {
        if (ListQuery.Enum<TaskRunStatus>(request, "status", out var status) is { } badStatus)
            return badStatus;
        if (ListQuery.Limit(request, out var limit) is { } badLimit)
            return badLimit;
        var queue = ListQuery.Text(request, "queue");
        var workflow = ListQuery.Text(request, "workflow");

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var query = db.JobTasks.AsNoTracking();
        if (status is { } s)
            query = query.Where(t => t.Status == s);
        if (queue is not null)
            query = query.Where(t => t.Queue == queue);
        if (workflow is not null)
            query = query.Where(t => db.Jobs.Any(j => j.CorrelationId == t.JobId && j.Workflow == workflow));

        if (ListQuery.Text(request, "cursor") is { } cursor)
        {
            if (Cursor.Decode(cursor, 2) is not [var lastJob, var lastTaskId] || !Guid.TryParse(lastJob, out var lastJobId))
                return ApiProblems.InvalidParameter("cursor", "cursor is not one this API returned; pass nextCursor from the previous page unchanged.");
            query = query.Where(t => t.JobId.CompareTo(lastJobId) > 0 || (t.JobId == lastJobId && string.Compare(t.TaskId, lastTaskId) > 0));
        }

        var rows = await query.OrderBy(t => t.JobId).ThenBy(t => t.TaskId).Take(limit + 1)
            .Select(t => new TaskSummary(t.JobId, t.TaskId, t.Kind, t.Queue, t.Status, t.FinishState, t.Iteration, t.Attempt, t.AttemptId, t.ScheduledAt, t.StartedAt, t.EndedAt))
            .ToListAsync(cancellationToken).ConfigureAwait(false);

        string? next = null;
        if (rows.Count > limit)
        {
            rows.RemoveAt(limit);
            next = Cursor.Encode(rows[^1].JobId.ToString(), rows[^1].TaskId);
        }

        return TypedResults.Ok(new Page<TaskSummary>(rows, next));
    }
}
