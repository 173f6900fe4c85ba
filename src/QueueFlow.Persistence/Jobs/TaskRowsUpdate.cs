using Npgsql;
using QueueFlow.Core.Jobs;

namespace QueueFlow.Persistence.Jobs;

/// <summary>
/// The changed task rows of one write, or of every write of a group, updated by one statement: the new rows as column
/// arrays (<see cref="TaskColumnArrays"/>), joined to the table by key. The transaction runs it with its generic plan and
/// without sequential scans (<see cref="JobChangeBatch"/> says so first), so each row is found through the primary key
/// whatever the arrays' length: a plan made for a guessed hundred rows would otherwise hash the whole table.
/// </summary>
internal static class TaskRowsUpdate
{
    private const string Sql = $"""
        UPDATE queueflow.job_tasks AS t
        SET kind = r.kind, queue = r.queue, status = r.status, finish_state = r.finish_state, iteration = r.iteration,
            attempt = r.attempt, attempt_id = r.attempt_id, job_key = r.job_key, task_run_id = r.task_run_id, input = r.input,
            output = r.output, error = r.error, scheduled_at = r.scheduled_at, started_at = r.started_at,
            ended_at = r.ended_at, deadline = r.deadline, assignee = r.assignee, assigned_by = r.assigned_by,
            assigned_at = r.assigned_at, attempts = r.attempts
        FROM {TaskColumnArrays.Unnest}
            AS r ({TaskColumnArrays.Names})
        WHERE t.job_id = r.job_id AND t.task_id = r.task_id
        """;

    public static NpgsqlBatchCommand Command(IReadOnlyList<JobTask> tasks) => TaskColumnArrays.Command(Sql, tasks);
}
