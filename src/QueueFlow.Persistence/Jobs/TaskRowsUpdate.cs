using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;
using NpgsqlTypes;
using QueueFlow.Core.Jobs;

namespace QueueFlow.Persistence.Jobs;

/// <summary>
/// The changed task rows of one write, or of every write of a group, updated by one statement: the new rows as column
/// arrays, joined to the table by key (see <see cref="HistoryRowsInsert"/>). The transaction runs it with its generic
/// plan and without sequential scans (<see cref="JobChangeBatch"/> says so first), so each row is found through the
/// primary key whatever the arrays' length: a plan made for a guessed hundred rows would otherwise hash the whole table.
/// </summary>
internal static class TaskRowsUpdate
{
    private const string Sql = """
        UPDATE queueflow.job_tasks AS t
        SET kind = r.kind, queue = r.queue, status = r.status, finish_state = r.finish_state, iteration = r.iteration,
            attempt = r.attempt, attempt_id = r.attempt_id, job_key = r.job_key, task_run_id = r.task_run_id, input = r.input,
            output = r.output, error = r.error, scheduled_at = r.scheduled_at, started_at = r.started_at,
            ended_at = r.ended_at, deadline = r.deadline, assignee = r.assignee, assigned_by = r.assigned_by,
            assigned_at = r.assigned_at, attempts = r.attempts
        FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[], $7::integer[],
            $8::integer[], $9::uuid[], $10::bigint[], $11::uuid[], $12::jsonb[], $13::jsonb[], $14::text[],
            $15::timestamptz[], $16::timestamptz[], $17::timestamptz[], $18::timestamptz[], $19::varchar[], $20::varchar[],
            $21::timestamptz[], $22::jsonb[])
            AS r (job_id, task_id, kind, queue, status, finish_state, iteration, attempt, attempt_id, job_key, task_run_id,
                input, output, error, scheduled_at, started_at, ended_at, deadline, assignee, assigned_by, assigned_at, attempts)
        WHERE t.job_id = r.job_id AND t.task_id = r.task_id
        """;

    private static readonly ValueConverter<List<TaskAttempt>, string> Attempts = JsonColumn.ListConverter<TaskAttempt>();

    public static NpgsqlBatchCommand Command(IReadOnlyList<JobTask> tasks) => new(Sql)
    {
        Parameters =
        {
            ColumnArray.Of(tasks.Select(t => t.JobId).ToArray(), NpgsqlDbType.Uuid),
            ColumnArray.Of(tasks.Select(t => t.TaskId).ToArray(), NpgsqlDbType.Varchar),
            ColumnArray.Of(tasks.Select(t => t.Kind.ToString()).ToArray(), NpgsqlDbType.Varchar),
            ColumnArray.Of(tasks.Select(t => t.Queue).ToArray(), NpgsqlDbType.Varchar),
            ColumnArray.Of(tasks.Select(t => t.Status.ToString()).ToArray(), NpgsqlDbType.Varchar),
            ColumnArray.Of(tasks.Select(t => t.FinishState).ToArray(), NpgsqlDbType.Varchar),
            ColumnArray.Of(tasks.Select(t => t.Iteration).ToArray(), NpgsqlDbType.Integer),
            ColumnArray.Of(tasks.Select(t => t.Attempt).ToArray(), NpgsqlDbType.Integer),
            ColumnArray.Of(tasks.Select(t => t.AttemptId).ToArray(), NpgsqlDbType.Uuid),
            ColumnArray.Of(tasks.Select(t => t.JobKey).ToArray(), NpgsqlDbType.Bigint),
            ColumnArray.Of(tasks.Select(t => t.TaskRunId).ToArray(), NpgsqlDbType.Uuid),
            ColumnArray.Of(tasks.Select(t => t.Input).ToArray(), NpgsqlDbType.Jsonb),
            ColumnArray.Of(tasks.Select(t => t.Output).ToArray(), NpgsqlDbType.Jsonb),
            ColumnArray.Of(tasks.Select(t => t.Error).ToArray(), NpgsqlDbType.Text),
            ColumnArray.Of(tasks.Select(t => t.ScheduledAt).ToArray(), NpgsqlDbType.TimestampTz),
            ColumnArray.Of(tasks.Select(t => t.StartedAt).ToArray(), NpgsqlDbType.TimestampTz),
            ColumnArray.Of(tasks.Select(t => t.EndedAt).ToArray(), NpgsqlDbType.TimestampTz),
            ColumnArray.Of(tasks.Select(t => t.Deadline).ToArray(), NpgsqlDbType.TimestampTz),
            ColumnArray.Of(tasks.Select(t => t.Assignee).ToArray(), NpgsqlDbType.Varchar),
            ColumnArray.Of(tasks.Select(t => t.AssignedBy).ToArray(), NpgsqlDbType.Varchar),
            ColumnArray.Of(tasks.Select(t => t.AssignedAt).ToArray(), NpgsqlDbType.TimestampTz),
            ColumnArray.Of(tasks.Select(t => Attempts.ConvertToProviderTyped(t.Attempts)).ToArray(), NpgsqlDbType.Jsonb),
        },
    };
}
