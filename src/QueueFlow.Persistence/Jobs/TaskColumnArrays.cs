using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;
using NpgsqlTypes;
using QueueFlow.Core.Jobs;

namespace QueueFlow.Persistence.Jobs;

/// <summary>
/// Every column of many task rows as one array parameter each, in one order, for the statements that unnest them into
/// rows (<see cref="TaskRowsInsert"/>, <see cref="TaskRowsUpdate"/>). Values are converted as the EF Core model converts
/// them (enums as their names, the attempts through <see cref="JsonColumn"/>), so rows read back the same either way.
/// </summary>
internal static class TaskColumnArrays
{
    /// <summary>The columns, in the parameters' order.</summary>
    public const string Names = """
        job_id, task_id, kind, queue, status, finish_state, iteration, attempt, attempt_id, job_key, task_run_id,
            input, output, error, scheduled_at, started_at, ended_at, deadline, assignee, assigned_by, assigned_at, attempts
        """;

    /// <summary>The parameters unnested into rows of <see cref="Names"/>.</summary>
    public const string Unnest = """
        unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[], $7::integer[],
            $8::integer[], $9::uuid[], $10::bigint[], $11::uuid[], $12::jsonb[], $13::jsonb[], $14::text[],
            $15::timestamptz[], $16::timestamptz[], $17::timestamptz[], $18::timestamptz[], $19::varchar[], $20::varchar[],
            $21::timestamptz[], $22::jsonb[])
        """;

    private static readonly ValueConverter<List<TaskAttempt>, string> Attempts = JsonColumn.ListConverter<TaskAttempt>();

    public static NpgsqlBatchCommand Command(string sql, IReadOnlyList<JobTask> tasks) => new(sql)
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
