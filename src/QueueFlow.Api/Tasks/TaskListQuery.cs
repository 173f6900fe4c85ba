using Microsoft.EntityFrameworkCore;
using QueueFlow.Api.Paging;
using QueueFlow.Persistence;

namespace QueueFlow.Api.Tasks;

/// <summary>
/// The page query of <c>GET /api/tasks</c>, ordered by (job_id, task_id), the table's primary key: a task row has no
/// creation time of its own, and the key is stable and unique, which is all keyset paging needs. Public so the plan
/// test and the query benchmark explain exactly the SQL the route runs.
/// </summary>
public static class TaskListQuery
{
    /// <summary>
    /// The tasks after <paramref name="after"/> that match <paramref name="filter"/>, at most <paramref name="take"/>,
    /// with the keyset condition as a row comparison so it bounds an index range (see <see cref="Jobs.JobListQuery"/>).
    /// </summary>
    public static IQueryable<TaskSummary> Build(QueueFlowDbContext db, TaskFilter filter, TaskKey? after, int take)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(filter);
        var query = db.JobTasks.AsNoTracking();
        if (filter.Status is { } status)
            query = query.Where(t => t.Status == status);
        if (filter.Statuses is [var single])
            query = query.Where(t => t.Status == single);
        else if (filter.Statuses.Count > 1)
        {
            var any = filter.Statuses.ToArray();
            query = query.Where(t => any.Contains(t.Status));
        }

        if (filter.Queue is { } queue)
            query = query.Where(t => t.Queue == queue);

        var (afterJob, afterTask) = after is { } key ? (key.JobId, key.TaskId) : (Guid.Empty, string.Empty);
        if (filter.Workflow is { } workflow)
        {
            // The bound on the job id repeats the keyset condition on the jobs side: without it PostgreSQL would walk the
            // workflow's jobs from the first one on every page instead of starting at the cursor's.
            query = after is null
                ? query.Where(t => db.Jobs.Any(j => j.CorrelationId == t.JobId && j.Workflow == workflow))
                : query.Where(t => db.Jobs.Any(j => j.CorrelationId == t.JobId && j.Workflow == workflow && j.CorrelationId.CompareTo(afterJob) >= 0));
        }

        if (after is not null)
            query = query.Where(t => EF.Functions.GreaterThan(ValueTuple.Create(t.JobId, t.TaskId), ValueTuple.Create(afterJob, afterTask)));

        return query.OrderBy(t => t.JobId).ThenBy(t => t.TaskId).Take(take)
            .Select(t => new TaskSummary(t.JobId, t.TaskId, t.Kind, t.Queue, t.Status, t.FinishState, t.Iteration, t.Attempt, t.AttemptId, t.Error, t.ScheduledAt, t.StartedAt, t.EndedAt));
    }

    public static string Encode(TaskSummary last, TaskFilter filter)
    {
        ArgumentNullException.ThrowIfNull(last);
        return Cursor.Encode(Scope(filter), last.JobId.ToString(), last.TaskId);
    }

    /// <summary>The key an <see cref="Encode"/>d cursor holds, or null when it is not one or was taken under another filter.</summary>
    public static TaskKey? Decode(string cursor, TaskFilter filter, out bool otherFilter) =>
        Cursor.Decode(cursor, 2, Scope(filter), out otherFilter) is [var jobId, var taskId] && Guid.TryParse(jobId, out var id) ? new TaskKey(id, taskId) : null;

    /// <summary>What a tasks cursor is bound to: every filter value.</summary>
    static string Scope(TaskFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return string.Join('\n', "tasks", filter.Status?.ToString(), string.Join(',', filter.Statuses), filter.Queue, filter.Workflow);
    }
}
