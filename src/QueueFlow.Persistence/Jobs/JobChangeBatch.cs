using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;
using NpgsqlTypes;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;
using QueueFlow.Persistence.Counts;
using QueueFlow.Persistence.Outbox;

namespace QueueFlow.Persistence.Jobs;

/// <summary>
/// The write of one message to a job: the job row (updated when the message loaded the job, inserted when it started
/// it), only the task rows the saga changed, the history entries and the outbox rows, as one <see cref="NpgsqlBatch"/>
/// (one round trip; outside a transaction, one implicit transaction that commits all of it or none). Several jobs'
/// writes can run as one batch (<see cref="GroupCommit"/>). Rows of a kind go in one statement for the whole batch,
/// whatever their number: new task rows (<see cref="TaskRowsInsert"/>), changed ones (<see cref="TaskRowsUpdate"/>),
/// history entries (<see cref="HistoryRowsInsert"/>) and outbox rows (<see cref="OutboxRowsInsert"/>). Every statement has a
/// fixed text with positional parameters, so Npgsql's automatic preparation plans each one once per connection. Column values are converted exactly as the EF Core model converts them (enums as their names, lists
/// through <see cref="JsonColumn"/>, URIs through EF Core's own converter), so rows read back the same either way.
/// It also counts the statuses it writes (<see cref="StatusCountChanges"/>): one set of netted rows for the status counts,
/// with the count triggers told to skip its rows, instead of two rows and a trigger call per status change.
/// </summary>
internal sealed class JobChangeBatch
{
    // xmin is the row version the job was read with under its lock; a writer that skipped the lock makes this miss.
    private const string UpdateJob = """
        UPDATE queueflow.jobs SET current_state = $3, workflow = $4, workflow_version = $5, owner = $6, parent_job_id = $7,
            parent_task_id = $8, parent_attempt_id = $9, status = $10, variables = $11, errors = $12, created_at = $13,
            updated_at = $14, ended_at = $15, history_count = $16, watchers = $17, applied_commands = $18
        WHERE id = $1 AND xmin = $2
        """;

    private const string DeleteJob = "DELETE FROM queueflow.jobs WHERE id = $1 AND xmin = $2";

    private const string InsertJob = """
        INSERT INTO queueflow.jobs (id, current_state, workflow, workflow_version, owner, parent_job_id, parent_task_id,
            parent_attempt_id, status, variables, errors, created_at, updated_at, ended_at, history_count, watchers, applied_commands)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
        """;

    // Session-level, so it outlives the commit: held until the job's messages are sent (see JobLocks).
    private static readonly string LockJobSql = $"SELECT pg_advisory_lock({JobLocks.Class}, {JobLocks.KeyOf("$1::text")})";

    // For this transaction only: the count triggers (migration StatusCountsByWriter) skip the rows this batch writes,
    // which it counts itself; and the statements run with the plans TaskRowsUpdate needs: generic (a plan made for the
    // actual arrays costs a planning per call) and keyed (see IndexLookups). Set back to the defaults at the end when the
    // batch runs inside a longer transaction.
    private static readonly string CountedByWriter =
        $"SELECT set_config('queueflow.counted_by_writer', 'on', true), set_config('plan_cache_mode', 'force_generic_plan', true), {IndexLookups.ForThisTransaction}";

    private const string CountedByTriggers =
        "SELECT set_config('queueflow.counted_by_writer', 'off', true), set_config('plan_cache_mode', 'auto', true), set_config('enable_seqscan', 'on', true)";

    private const string InsertCounts = """
        INSERT INTO queueflow.status_count_changes (entity, name, status, delta)
        SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::integer[])
        """;

    private static readonly ValueConverter<List<JobError>, string> Errors = JsonColumn.ListConverter<JobError>();
    private static readonly ValueConverter<List<AppliedCommand>, string> AppliedCommands = JsonColumn.ListConverter<AppliedCommand>();

    private readonly List<Statement> _statements = [];
    private readonly StatusCountChanges _counts = new();
    private readonly List<JobTask> _insertedTasks = [];
    private readonly List<JobTask> _updatedTasks = [];
    private readonly List<JobHistoryEntry> _history = [];
    private readonly List<OutboxMessage> _outbox = [];
    private int? _job;
    private Guid _jobId;

    /// <summary>The task rows written (updated, inserted or deleted), for tests and diagnostics.</summary>
    public int TaskRows { get; private set; }

    /// <summary>The batch takes the job's send lock first, on the session that runs it: it cannot join a group.</summary>
    public bool LocksJob { get; private set; }

    /// <param name="loaded">The job's status and workflow as its row holds them, for the counts.</param>
    public void UpdateJobRow(Job job, uint rowVersion, (JobStatus Status, string Workflow) loaded)
    {
        _jobId = job.CorrelationId;
        _counts.Job(loaded.Workflow, loaded.Status, -1);
        _counts.Job(job.Workflow, job.Status, +1);
        _job = Add(UpdateJob, [Value(job.CorrelationId, NpgsqlDbType.Uuid), Value(rowVersion, NpgsqlDbType.Xid), .. JobColumns(job)]);
    }

    /// <summary>
    /// Takes the job's send lock first, in the same round trip: a new job's insert must hold it like a loaded job does.
    /// The lock is the session's, so it is held even if a later statement fails; the caller releases it either way.
    /// </summary>
    public void LockJob(Guid jobId)
    {
        if (_statements.Count > 0)
            throw new InvalidOperationException("The job's lock must be the batch's first statement.");
        Add(LockJobSql, Value(jobId, NpgsqlDbType.Uuid));
        LocksJob = true;
    }

    /// <summary>Inserts a new job's row; a job that exists already fails the batch with a unique violation (a lost race).</summary>
    public void InsertJobRow(Job job)
    {
        _jobId = job.CorrelationId;
        _counts.Job(job.Workflow, job.Status, +1);
        _job = Add(InsertJob, [Value(job.CorrelationId, NpgsqlDbType.Uuid), .. JobColumns(job)]);
    }

    /// <summary>Deletes the job row; its task rows, <paramref name="tasks"/> as read, go with it by the foreign key's cascade.</summary>
    public void DeleteJobRow(Guid jobId, uint rowVersion, (JobStatus Status, string Workflow) loaded, IEnumerable<CountedTask> tasks)
    {
        _jobId = jobId;
        _counts.Job(loaded.Workflow, loaded.Status, -1);
        foreach (var task in tasks)
            _counts.Task(task.Queue, task.Status, -1);
        _job = Add(DeleteJob, Value(jobId, NpgsqlDbType.Uuid), Value(rowVersion, NpgsqlDbType.Xid));
    }

    /// <param name="before">The task's queue and status as read, for the counts.</param>
    public void UpdateTaskRow(JobTask task, CountedTask before)
    {
        _counts.Task(before.Queue, before.Status, -1);
        _counts.Task(task.Queue, task.Status, +1);
        _updatedTasks.Add(task);
        TaskRows++;
    }

    /// <summary>Written with the write's other new tasks, and the group's, in one statement (<see cref="TaskRowsInsert"/>).</summary>
    public void InsertTaskRow(JobTask task)
    {
        _counts.Task(task.Queue, task.Status, +1);
        _insertedTasks.Add(task);
        TaskRows++;
    }

    /// <summary>Written with the other writes' entries in one statement (<see cref="HistoryRowsInsert"/>).</summary>
    public void InsertHistoryRow(JobHistoryEntry entry) => _history.Add(entry);

    /// <summary>Written with the other writes' rows in one statement (<see cref="OutboxRowsInsert"/>); its sequence is read back.</summary>
    public void InsertOutboxRow(OutboxMessage row) => _outbox.Add(row);

    /// <summary>
    /// Runs every statement in one round trip and reads back the outbox rows' sequence numbers. Throws a
    /// <see cref="DbUpdateConcurrencyException"/> when the job row was not at the version it was read with. That
    /// cannot happen while the job's lock is held since it was read, as every caller does; outside a transaction the
    /// check comes after the batch committed, so it reports a broken lock, not a race.
    /// </summary>
    public async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        if (_statements.Count == 0 && _insertedTasks.Count == 0 && _updatedTasks.Count == 0 && _history.Count == 0 && _outbox.Count == 0)
            return;
        var brokenLocks = await ExecuteAsync(connection, transaction, [this], cancellationToken).ConfigureAwait(false);
        if (brokenLocks[0] is { } brokenLock)
            throw brokenLock;
    }

    /// <summary>
    /// Runs the writes of several jobs as one batch: one round trip and, outside <paramref name="transaction"/>, one
    /// implicit transaction that commits all of them or none. Their status counts are netted together into one insert.
    /// Throws what the batch as a whole met; returns, per write, the <see cref="DbUpdateConcurrencyException"/> of a job
    /// row that was not at the version it was read with (found after the commit: a broken lock), or null. Only a write
    /// that takes no lock of its own (see <see cref="LocksJob"/>) may share a batch with others. A write may be run
    /// again after a batch that failed: its statements are built anew each time.
    /// </summary>
    public static async Task<DbUpdateConcurrencyException?[]> ExecuteAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<JobChangeBatch> writes, CancellationToken cancellationToken)
    {
        if (writes.Count > 1 && writes.Any(w => w.LocksJob))
            throw new InvalidOperationException("A write that takes its job's lock runs alone, on the session that keeps the lock.");

        using var batch = new NpgsqlBatch(connection, transaction);
        var counts = new StatusCountChanges();
        var jobCommands = new NpgsqlBatchCommand?[writes.Count];
        for (var w = 0; w < writes.Count; w++)
        {
            var write = writes[w];
            for (var i = 0; i < write._statements.Count; i++)
            {
                var command = write._statements[i].ToCommand();
                batch.BatchCommands.Add(command);
                if (i == write._job)
                    jobCommands[w] = command;
            }

            counts.Add(write._counts);
        }

        // After every job row's statement: a new task's row needs its job's.
        List<JobTask> insertedTasks = [.. writes.SelectMany(w => w._insertedTasks)];
        if (insertedTasks.Count > 0)
            batch.BatchCommands.Add(TaskRowsInsert.Command(insertedTasks));
        List<JobTask> updatedTasks = [.. writes.SelectMany(w => w._updatedTasks)];
        if (updatedTasks.Count > 0)
            batch.BatchCommands.Add(TaskRowsUpdate.Command(updatedTasks));
        List<JobHistoryEntry> history = [.. writes.SelectMany(w => w._history)];
        if (history.Count > 0)
            batch.BatchCommands.Add(HistoryRowsInsert.Command(history));
        List<OutboxMessage> outbox = [.. writes.SelectMany(w => w._outbox)];
        if (outbox.Count > 0)
            batch.BatchCommands.Add(OutboxRowsInsert.Command(outbox));

        // Says, before the first write (after the job's lock, which must stay first), that this transaction counts its
        // own statuses.
        batch.BatchCommands.Insert(writes.Count > 0 && writes[0].LocksJob ? 1 : 0, new NpgsqlBatchCommand(CountedByWriter));
        var (entities, names, statuses, deltas) = counts.Rows();
        if (deltas.Length > 0)
        {
            batch.BatchCommands.Add(new Statement(InsertCounts,
            [
                Value(entities, NpgsqlDbType.Array | NpgsqlDbType.Varchar),
                Value(names, NpgsqlDbType.Array | NpgsqlDbType.Varchar),
                Value(statuses, NpgsqlDbType.Array | NpgsqlDbType.Varchar),
                Value(deltas, NpgsqlDbType.Array | NpgsqlDbType.Integer),
            ]).ToCommand());
        }

        // Inside a longer transaction, counting goes back to the triggers for whatever else it writes.
        if (transaction is not null)
            batch.BatchCommands.Add(new NpgsqlBatchCommand(CountedByTriggers));

        var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            // Besides the outbox insert, only the lock and the settings return rows.
            var sequences = new Dictionary<Guid, long>(outbox.Count);
            do
            {
                var isOutbox = reader.FieldCount == 2 && reader.GetName(1) == OutboxRowsInsert.SequenceColumn && reader.GetName(0) == "message_id";
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (isOutbox)
                        sequences[reader.GetGuid(0)] = reader.GetInt64(1);
                }
            }
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));

            foreach (var row in outbox)
            {
                row.Sequence = sequences.TryGetValue(row.MessageId, out var sequence)
                    ? sequence
                    : throw new InvalidOperationException($"The outbox insert returned no sequence number for message {row.MessageId}.");
            }
        }

        var brokenLocks = new DbUpdateConcurrencyException?[writes.Count];
        for (var w = 0; w < writes.Count; w++)
        {
            if (jobCommands[w] is { RecordsAffected: not 1 })
                brokenLocks[w] = new DbUpdateConcurrencyException($"Job row {writes[w]._jobId} was not at the version it was locked with.");
        }

        return brokenLocks;
    }

    /// <summary>The job's columns after its id (and, for an update, its row version), in the statements' order.</summary>
    private static NpgsqlParameter[] JobColumns(Job job) =>
    [
        Value(job.CurrentState, NpgsqlDbType.Varchar),
        Value(job.Workflow, NpgsqlDbType.Varchar),
        Value(job.WorkflowVersion, NpgsqlDbType.Integer),
        Value(job.Owner, NpgsqlDbType.Varchar),
        Value(job.ParentJobId, NpgsqlDbType.Uuid),
        Value(job.ParentTaskId, NpgsqlDbType.Varchar),
        Value(job.ParentAttemptId, NpgsqlDbType.Uuid),
        Value(job.Status.ToString(), NpgsqlDbType.Varchar),
        Value(job.Variables, NpgsqlDbType.Jsonb),
        Value(Errors.ConvertToProviderTyped(job.Errors), NpgsqlDbType.Jsonb),
        Value(job.CreatedAt, NpgsqlDbType.TimestampTz),
        Value(job.UpdatedAt, NpgsqlDbType.TimestampTz),
        Value(job.EndedAt, NpgsqlDbType.TimestampTz),
        Value(job.HistoryCount, NpgsqlDbType.Integer),
        Value(job.Watchers, NpgsqlDbType.Array | NpgsqlDbType.Text),
        Value(AppliedCommands.ConvertToProviderTyped(job.AppliedCommands), NpgsqlDbType.Jsonb),
    ];

    private int Add(string sql, params NpgsqlParameter[] parameters)
    {
        _statements.Add(new Statement(sql, parameters));
        return _statements.Count - 1;
    }

    private static NpgsqlParameter Value(object? value, NpgsqlDbType type) =>
        new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };

    /// <summary>
    /// A statement and its values, made into a command each time the write runs: a parameter belongs to one command,
    /// so a write run again after its batch failed gets copies.
    /// </summary>
    private sealed record Statement(string Sql, NpgsqlParameter[] Parameters)
    {
        private bool _used;

        public NpgsqlBatchCommand ToCommand()
        {
            var command = new NpgsqlBatchCommand(Sql);
            foreach (var parameter in Parameters)
                command.Parameters.Add(_used ? parameter.Clone() : parameter);
            _used = true;
            return command;
        }
    }
}
