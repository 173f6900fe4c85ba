using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using QueueFlow.Api.OpenApi;
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
        tasks.MapGet("/", ListAsync).RequireAuthorization(ApiPolicies.Read).WithName("ListTasks").WithSummary("List tasks across jobs, filtered, a page at a time")
            .WithParameters(DeclaredParameter.Query("status", "Only tasks in any of these statuses: comma-separated or repeated.", values: Enum.GetNames<TaskRunStatus>()), DeclaredParameter.Query("queue", "Only tasks dispatched to this queue."), DeclaredParameter.Query("workflow", "Only tasks of jobs of this registered workflow (400 when none is registered by that name)."), ListQuery.LimitParameter, ListQuery.CursorParameter);
        return tasks;
    }

    /// <summary>Ordered by (job_id, task_id); the query is <see cref="TaskListQuery"/>.</summary>
    static async Task<Results<Ok<Page<TaskSummary>>, ProblemHttpResult>> ListAsync(
        HttpRequest request, IDbContextFactory<QueueFlowDbContext> dbFactory, CancellationToken cancellationToken)
    {
        if (ListQuery.Enums<TaskRunStatus>(request, "status", out var statuses) is { } badStatus)
            return badStatus;
        if (ListQuery.Limit(request, out var limit) is { } badLimit)
            return badLimit;
        var filter = new TaskFilter { Statuses = statuses, Queue = ListQuery.Text(request, "queue"), Workflow = ListQuery.Text(request, "workflow") };
        TaskKey? after = null;
        if (ListQuery.Text(request, "cursor") is { } cursor && (after = TaskListQuery.Decode(cursor, filter, out var otherFilter)) is null)
            return ListQuery.InvalidCursor(otherFilter);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        if (await ListQuery.UnknownWorkflowAsync(db, filter.Workflow, cancellationToken).ConfigureAwait(false) is { } unknown)
            return unknown;
        var rows = await TaskListQuery.Build(db, filter, after, limit + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(ListQuery.ToPage(rows, limit, last => TaskListQuery.Encode(last, filter)));
    }
}
