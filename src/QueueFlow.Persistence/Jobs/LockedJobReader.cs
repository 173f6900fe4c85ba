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

    /// <summary>The job row as <see cref="ReadJobRow"/> maps it, from the outbox probe on (<c>j</c> is the job row).</summary>
    internal const string JobColumns = """
        EXISTS (SELECT 1 FROM queueflow.outbox AS o WHERE o.job_id = j.id),
        j.xmin, j.current_state, j.workflow, j.workflow_version, j.owner, j.parent_job_id, j.parent_task_id,
        j.parent_attempt_id, j.status, j.variables, j.errors, j.created_at, j.updated_at, j.ended_at,
        j.history_count, j.watchers, j.applied_commands
        """;

    /// <summary>A task row as <see cref="ReadTask"/> maps it.</summary>
    internal const string TaskColumns = """
        task_id, kind, queue, status, finish_state, iteration, attempt, attempt_id, job_key, task_run_id, input,
        output, error, scheduled_at, started_at, ended_at, deadline, assignee, assigned_by, assigned_at, attempts
        """;

    private const string ReadJob = $"SELECT {JobColumns} FROM queueflow.jobs AS j WHERE j.id = $1";

    private const string ReadTasks = $"SELECT {TaskColumns} FROM queueflow.job_tasks WHERE job_id = $1 ORDER BY task_id";

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

            var job = ReadJobRow(reader, 0, jobId);

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                job.Job.Tasks.Add(ReadTask(reader, 0, jobId));

            return job;
        }
    }

    private static NpgsqlBatchCommand Statement(string sql, Guid jobId) =>
        new(sql) { Parameters = { new NpgsqlParameter<Guid> { TypedValue = jobId, NpgsqlDbType = NpgsqlDbType.Uuid } } };

    /// <summary>The job row's columns (<see cref="JobColumns"/>) from ordinal <paramref name="first"/> on, tasks not yet added.</summary>
    internal static LockedJob ReadJobRow(NpgsqlDataReader reader, int first, Guid jobId)
    {
        var earlierRowsWaiting = reader.GetBoolean(first);
        var rowVersion = reader.GetFieldValue<uint>(first + 1);
        var job = new Job
        {
            CorrelationId = jobId,
            CurrentState = reader.GetString(first + 2),
            Workflow = reader.GetString(first + 3),
            WorkflowVersion = reader.GetInt32(first + 4),
            Owner = NullableString(reader, first + 5),
            ParentJobId = Nullable<Guid>(reader, first + 6),
            ParentTaskId = NullableString(reader, first + 7),
            ParentAttemptId = Nullable<Guid>(reader, first + 8),
            Status = Enum.Parse<JobStatus>(reader.GetString(first + 9)),
            Variables = reader.GetString(first + 10),
            Errors = (List<JobError>)Errors.ConvertFromProvider(reader.GetString(first + 11))!,
            CreatedAt = reader.GetFieldValue<DateTimeOffset>(first + 12),
            UpdatedAt = reader.GetFieldValue<DateTimeOffset>(first + 13),
            EndedAt = Nullable<DateTimeOffset>(reader, first + 14),
            HistoryCount = reader.GetInt32(first + 15),
            Watchers = reader.IsDBNull(first + 16) ? [] : reader.GetFieldValue<List<string>>(first + 16),
            AppliedCommands = (List<AppliedCommand>)AppliedCommands.ConvertFromProvider(reader.GetString(first + 17))!,
        };
        return new LockedJob(job, rowVersion, earlierRowsWaiting);
    }

    /// <summary>A task row's columns (<see cref="TaskColumns"/>) from ordinal <paramref name="first"/> on.</summary>
    internal static JobTask ReadTask(NpgsqlDataReader reader, int first, Guid jobId) => new()
    {
        JobId = jobId,
        TaskId = reader.GetString(first),
        Kind = Enum.Parse<TaskKind>(reader.GetString(first + 1)),
        Queue = NullableString(reader, first + 2),
        Status = Enum.Parse<TaskRunStatus>(reader.GetString(first + 3)),
        FinishState = NullableString(reader, first + 4),
        Iteration = reader.GetInt32(first + 5),
        Attempt = reader.GetInt32(first + 6),
        AttemptId = Nullable<Guid>(reader, first + 7),
        JobKey = Nullable<long>(reader, first + 8),
        TaskRunId = Nullable<Guid>(reader, first + 9),
        Input = NullableString(reader, first + 10),
        Output = reader.GetString(first + 11),
        Error = NullableString(reader, first + 12),
        ScheduledAt = Nullable<DateTimeOffset>(reader, first + 13),
        StartedAt = Nullable<DateTimeOffset>(reader, first + 14),
        EndedAt = Nullable<DateTimeOffset>(reader, first + 15),
        Deadline = Nullable<DateTimeOffset>(reader, first + 16),
        Assignee = NullableString(reader, first + 17),
        AssignedBy = NullableString(reader, first + 18),
        AssignedAt = Nullable<DateTimeOffset>(reader, first + 19),
        Attempts = (List<TaskAttempt>)Attempts.ConvertFromProvider(reader.GetString(first + 20))!,
    };

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static T? Nullable<T>(NpgsqlDataReader reader, int ordinal)
        where T : struct =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<T>(ordinal);
}
