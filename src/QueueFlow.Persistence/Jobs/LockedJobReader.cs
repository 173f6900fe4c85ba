using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;
using NpgsqlTypes;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;

namespace QueueFlow.Persistence.Jobs;

/// <summary>
/// Locks a job and reads it with its tasks in one round trip: the job's row FOR UPDATE together with its send lock
/// and its row version, then its task rows, as one <see cref="NpgsqlBatch"/> of fixed-text statements (prepared once
/// per connection). Under READ COMMITTED the task statement takes its snapshot only after the locking statement has
/// returned, so neither the job nor its tasks predate the last change committed to them. Values are converted as the
/// EF Core model converts them (enums by name, lists through <see cref="JsonColumn"/>), and tasks come in the order EF
/// Core's include gave them (by task id), so the saga sees the same job either way.
/// </summary>
internal static class LockedJobReader
{
    private static readonly string LockJob = $"""
        SELECT pg_advisory_lock({JobLocks.Class}, {JobLocks.KeyOf("$1::text")}),
               EXISTS (SELECT 1 FROM queueflow.outbox AS o WHERE o.job_id = $1),
               j.xmin, j.current_state, j.workflow, j.workflow_version, j.owner, j.parent_job_id, j.parent_task_id,
               j.parent_attempt_id, j.status, j.variables, j.errors, j.created_at, j.updated_at, j.ended_at,
               j.history_count, j.watchers, j.applied_commands
        FROM queueflow.jobs AS j WHERE j.id = $1 FOR UPDATE
        """;

    private const string ReadTasks = """
        SELECT task_id, kind, queue, status, finish_state, iteration, attempt, attempt_id, job_key, task_run_id, input,
               output, error, scheduled_at, started_at, ended_at, deadline, assignee, assigned_by, assigned_at, attempts
        FROM queueflow.job_tasks WHERE job_id = $1 ORDER BY task_id
        """;

    private static readonly ValueConverter<List<JobError>, string> Errors = JsonColumn.ListConverter<JobError>();
    private static readonly ValueConverter<List<AppliedCommand>, string> AppliedCommands = JsonColumn.ListConverter<AppliedCommand>();
    private static readonly ValueConverter<List<TaskAttempt>, string> Attempts = JsonColumn.ListConverter<TaskAttempt>();

    /// <summary>The locked job, or null when it has no row (then neither lock is taken).</summary>
    public static async Task<LockedJob?> ReadAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid jobId, CancellationToken cancellationToken)
    {
        using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(LockJob) { Parameters = { new NpgsqlParameter<Guid> { TypedValue = jobId, NpgsqlDbType = NpgsqlDbType.Uuid } } },
                new NpgsqlBatchCommand(ReadTasks) { Parameters = { new NpgsqlParameter<Guid> { TypedValue = jobId, NpgsqlDbType = NpgsqlDbType.Uuid } } },
            },
        };

        var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                return null;

            var earlierRowsWaiting = reader.GetBoolean(1);
            var rowVersion = reader.GetFieldValue<uint>(2);
            var job = new Job
            {
                CorrelationId = jobId,
                CurrentState = reader.GetString(3),
                Workflow = reader.GetString(4),
                WorkflowVersion = reader.GetInt32(5),
                Owner = NullableString(reader, 6),
                ParentJobId = Nullable<Guid>(reader, 7),
                ParentTaskId = NullableString(reader, 8),
                ParentAttemptId = Nullable<Guid>(reader, 9),
                Status = Enum.Parse<JobStatus>(reader.GetString(10)),
                Variables = reader.GetString(11),
                Errors = (List<JobError>)Errors.ConvertFromProvider(reader.GetString(12))!,
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(13),
                UpdatedAt = reader.GetFieldValue<DateTimeOffset>(14),
                EndedAt = Nullable<DateTimeOffset>(reader, 15),
                HistoryCount = reader.GetInt32(16),
                Watchers = reader.IsDBNull(17) ? [] : reader.GetFieldValue<List<string>>(17),
                AppliedCommands = (List<AppliedCommand>)AppliedCommands.ConvertFromProvider(reader.GetString(18))!,
            };

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                job.Tasks.Add(ReadTask(reader, jobId));

            return new LockedJob(job, rowVersion, earlierRowsWaiting);
        }
    }

    private static JobTask ReadTask(NpgsqlDataReader reader, Guid jobId) => new()
    {
        JobId = jobId,
        TaskId = reader.GetString(0),
        Kind = Enum.Parse<TaskKind>(reader.GetString(1)),
        Queue = NullableString(reader, 2),
        Status = Enum.Parse<TaskRunStatus>(reader.GetString(3)),
        FinishState = NullableString(reader, 4),
        Iteration = reader.GetInt32(5),
        Attempt = reader.GetInt32(6),
        AttemptId = Nullable<Guid>(reader, 7),
        JobKey = Nullable<long>(reader, 8),
        TaskRunId = Nullable<Guid>(reader, 9),
        Input = NullableString(reader, 10),
        Output = reader.GetString(11),
        Error = NullableString(reader, 12),
        ScheduledAt = Nullable<DateTimeOffset>(reader, 13),
        StartedAt = Nullable<DateTimeOffset>(reader, 14),
        EndedAt = Nullable<DateTimeOffset>(reader, 15),
        Deadline = Nullable<DateTimeOffset>(reader, 16),
        Assignee = NullableString(reader, 17),
        AssignedBy = NullableString(reader, 18),
        AssignedAt = Nullable<DateTimeOffset>(reader, 19),
        Attempts = (List<TaskAttempt>)Attempts.ConvertFromProvider(reader.GetString(20))!,
    };

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static T? Nullable<T>(NpgsqlDataReader reader, int ordinal)
        where T : struct =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<T>(ordinal);
}
