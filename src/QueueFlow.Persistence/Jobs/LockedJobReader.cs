using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;
using NpgsqlTypes;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;

namespace QueueFlow.Persistence.Jobs;

/// <summary>
/// Locks a job and reads it with its tasks in one round trip, as one <see cref="NpgsqlBatch"/> of fixed-text statements
/// (prepared once per connection): the job's send lock (<see cref="JobLocks"/>), taken only if the job has a row, then
/// the job's row with its row version, then its task rows. Every writer of a job holds that lock, so no row lock is
/// needed; under READ COMMITTED each statement takes its snapshot when it starts, so the two reads, which start only
/// once the lock was granted, see the last change committed to the job. Values are converted as the EF Core model
/// converts them (enums by name, lists through <see cref="JsonColumn"/>), and tasks come in the order EF Core's include
/// gave them (by task id), so the saga sees the same job either way.
/// </summary>
internal static class LockedJobReader
{
    // The lock is taken only for an existing row (the subquery is null for a job with none): a job not started yet is
    // not locked, so two starts of it still race to the insert (the loser meets a unique violation and is retried
    // against the winner's row). The settings apply whether or not the job has a row, since a prepared statement's
    // plans are made under the settings of the call that first needs them, and kept: the reads after it run their
    // prepared generic plans (for the rest of this transaction only; left to choose, PostgreSQL judged a plan made for
    // the actual job id cheaper about half the time and planned the task read anew each time, for the same index scan),
    // and the outbox probe must not scan the table (see IndexLookups).
    private static readonly string LockJob = $"""
        SELECT set_config('plan_cache_mode', 'force_generic_plan', true), {IndexLookups.ForThisTransaction},
               (SELECT pg_advisory_lock({JobLocks.Class}, {JobLocks.KeyOf("$1::text")}) IS NOT NULL FROM queueflow.jobs WHERE id = $1)
        """;

    private const string ReadJob = """
        SELECT EXISTS (SELECT 1 FROM queueflow.outbox AS o WHERE o.job_id = $1),
               j.xmin, j.current_state, j.workflow, j.workflow_version, j.owner, j.parent_job_id, j.parent_task_id,
               j.parent_attempt_id, j.status, j.variables, j.errors, j.created_at, j.updated_at, j.ended_at,
               j.history_count, j.watchers, j.applied_commands
        FROM queueflow.jobs AS j WHERE j.id = $1
        """;

    private const string ReadTasks = """
        SELECT task_id, kind, queue, status, finish_state, iteration, attempt, attempt_id, job_key, task_run_id, input,
               output, error, scheduled_at, started_at, ended_at, deadline, assignee, assigned_by, assigned_at, attempts
        FROM queueflow.job_tasks WHERE job_id = $1 ORDER BY task_id
        """;

    private static readonly ValueConverter<List<JobError>, string> Errors = JsonColumn.ListConverter<JobError>();
    private static readonly ValueConverter<List<AppliedCommand>, string> AppliedCommands = JsonColumn.ListConverter<AppliedCommand>();
    private static readonly ValueConverter<List<TaskAttempt>, string> Attempts = JsonColumn.ListConverter<TaskAttempt>();

    /// <summary>
    /// The locked job, or null when it has no row. <paramref name="locked"/> is called as soon as the lock is known to be
    /// held, before anything else can fail, so the caller releases it whatever happens next; a job deleted between the
    /// lock and the read leaves the lock held and returns null.
    /// </summary>
    public static async Task<LockedJob?> ReadAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid jobId, Action locked, CancellationToken cancellationToken)
    {
        using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands = { Statement(LockJob, jobId), Statement(ReadJob, jobId), Statement(ReadTasks, jobId) },
        };

        var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            // No row to lock: the job does not exist (yet). A row the read below might see was inserted after the
            // lock statement by a start that holds the lock, so it is not this message's to read.
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (reader.IsDBNull(2))
                return null;
            locked();

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                return null;

            var earlierRowsWaiting = reader.GetBoolean(0);
            var rowVersion = reader.GetFieldValue<uint>(1);
            var job = new Job
            {
                CorrelationId = jobId,
                CurrentState = reader.GetString(2),
                Workflow = reader.GetString(3),
                WorkflowVersion = reader.GetInt32(4),
                Owner = NullableString(reader, 5),
                ParentJobId = Nullable<Guid>(reader, 6),
                ParentTaskId = NullableString(reader, 7),
                ParentAttemptId = Nullable<Guid>(reader, 8),
                Status = Enum.Parse<JobStatus>(reader.GetString(9)),
                Variables = reader.GetString(10),
                Errors = (List<JobError>)Errors.ConvertFromProvider(reader.GetString(11))!,
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(12),
                UpdatedAt = reader.GetFieldValue<DateTimeOffset>(13),
                EndedAt = Nullable<DateTimeOffset>(reader, 14),
                HistoryCount = reader.GetInt32(15),
                Watchers = reader.IsDBNull(16) ? [] : reader.GetFieldValue<List<string>>(16),
                AppliedCommands = (List<AppliedCommand>)AppliedCommands.ConvertFromProvider(reader.GetString(17))!,
            };

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                job.Tasks.Add(ReadTask(reader, jobId));

            return new LockedJob(job, rowVersion, earlierRowsWaiting);
        }
    }

    private static NpgsqlBatchCommand Statement(string sql, Guid jobId) =>
        new(sql) { Parameters = { new NpgsqlParameter<Guid> { TypedValue = jobId, NpgsqlDbType = NpgsqlDbType.Uuid } } };

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
