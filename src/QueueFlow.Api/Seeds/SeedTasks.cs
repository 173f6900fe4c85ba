using Microsoft.EntityFrameworkCore;
using QueueFlow.Core.Jobs;
using QueueFlow.Core.Workflows;
using QueueFlow.Persistence;

namespace QueueFlow.Api.Seeds;

/// <summary>
/// Reads for the seed routes: the task a seed's id names (each lookup an indexed column of job_tasks holding the
/// current attempt or iteration), and the job read back after the saga applied a command. Never writes.
/// </summary>
public static class SeedTasks
{
    public static Task<JobTask?> FindAsync(QueueFlowDbContext db, Guid jobId, string taskId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.JobTasks.AsNoTracking().FirstOrDefaultAsync(t => t.JobId == jobId && t.TaskId == taskId, cancellationToken);
    }

    /// <summary>Cognite's task id: the task whose current attempt it is.</summary>
    public static Task<JobTask?> ByAttemptIdAsync(QueueFlowDbContext db, Guid attemptId, CancellationToken cancellationToken) =>
        ByAttemptId(db, attemptId).FirstOrDefaultAsync(cancellationToken);

    /// <summary>Prefect's task run id: the task whose current iteration it is.</summary>
    public static Task<JobTask?> ByTaskRunIdAsync(QueueFlowDbContext db, Guid taskRunId, CancellationToken cancellationToken) =>
        ByTaskRunId(db, taskRunId).FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Camunda's job key: the tasks whose current attempt has it; two means two attempts hashed to one key. Ordered only
    /// so that the two are always the same (and EF Core does not warn of a limit without an order on every call).
    /// </summary>
    public static Task<List<JobTask>> ByJobKeyAsync(QueueFlowDbContext db, long jobKey, CancellationToken cancellationToken) =>
        ByJobKey(db, jobKey).OrderBy(t => t.JobId).ThenBy(t => t.TaskId).Take(2).ToListAsync(cancellationToken);

    /// <summary>The lookups as queries, so that their plans can be checked against the indexes made for them.</summary>
    public static IQueryable<JobTask> ByAttemptId(QueueFlowDbContext db, Guid attemptId)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.JobTasks.AsNoTracking().Where(t => t.AttemptId == attemptId);
    }

    public static IQueryable<JobTask> ByTaskRunId(QueueFlowDbContext db, Guid taskRunId)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.JobTasks.AsNoTracking().Where(t => t.TaskRunId == taskRunId);
    }

    public static IQueryable<JobTask> ByJobKey(QueueFlowDbContext db, long jobKey)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.JobTasks.AsNoTracking().Where(t => t.JobKey == jobKey);
    }

    public static Task<bool> JobExistsAsync(QueueFlowDbContext db, Guid jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Jobs.AnyAsync(j => j.CorrelationId == jobId, cancellationToken);
    }

    /// <summary>The job with its tasks and the definition it runs, as committed after the saga's answer.</summary>
    public static async Task<(Job Job, WorkflowDefinition Definition)?> ReadJobAsync(
        QueueFlowDbContext db, IWorkflowCatalog catalog, Guid jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(catalog);
        var job = await db.Jobs.AsNoTracking().Include(j => j.Tasks).FirstOrDefaultAsync(j => j.CorrelationId == jobId, cancellationToken).ConfigureAwait(false);
        if (job is null)
            return null;
        var definition = await catalog.FindAsync(job.Workflow, job.WorkflowVersion, cancellationToken).ConfigureAwait(false);
        return definition is null ? null : (job, definition);
    }
}
