using MassTransit;
using MassTransit.Context;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using QueueFlow.Core.Jobs;
using QueueFlow.Core.Telemetry;
using QueueFlow.Persistence.Outbox;

namespace QueueFlow.Persistence.Jobs;

/// <summary>
/// The job repository as one message sees it. A job loaded here is locked by its <see cref="JobLocks">send lock</see>,
/// which every writer of a job holds, so changes to one job are applied one at a time across instances; the lock is
/// held past the write until <see cref="JobSagaRepositoryContextFactory"/> has sent what the message wrote to the
/// outbox. A job loaded here is read without change tracking; it and a job the message starts are written by a
/// <see cref="JobChangeBatch"/> (only the task rows its change set names): lock and read, then write, two round trips. A message
/// with one job has no transaction of its own: its job is locked and read by the process's <see cref="GroupRead"/> with
/// the jobs of other messages that wait at the same time (on this message's own session if that one cannot take the
/// lock without waiting), and its one batched write, atomic by itself (an implicit transaction), goes to the process's
/// <see cref="GroupCommit"/>, which commits it with other messages' writes; no row lock is held and no BEGIN or COMMIT
/// is sent (a new job's write takes the job's lock, so it runs on this message's own session). A message correlated by
/// a query reads and writes its jobs inside the factory's transaction instead. Only <see cref="Insert"/> (MassTransit's insert-on-initial, unused by the job saga)
/// goes through EF Core, in a transaction it begins.
/// </summary>
public sealed class JobSagaRepositoryContext<TMessage> : ConsumeContextScope<TMessage>, SagaRepositoryContext<Job, TMessage>
    where TMessage : class
{
    private const string InsertSavepoint = "job_insert";

    private readonly QueueFlowDbContext _db;
    private IDbContextTransaction? _transaction;
    private readonly ConsumeContext<TMessage> _context;
    private readonly ISagaConsumeContextFactory<QueueFlowDbContext, Job> _factory;
    private readonly TimeProvider _clock;
    private readonly bool _publishTaskStateChanged;
    private readonly GroupCommit? _groupCommit;
    private readonly GroupRead? _groupRead;

    // The job as Load read it (untracked), its row version, and each task's queue and status as read, keyed by task id,
    // for the status counts (what the write changes is the job's change set, not a comparison with these).
    private Job? _loaded;
    private uint _loadedRowVersion;
    private (Contracts.JobStatus Status, string Workflow) _loadedCounted;
    private Dictionary<string, CountedTask> _loadedTasks = [];

    internal JobSagaRepositoryContext(
        QueueFlowDbContext db,
        IDbContextTransaction? transaction,
        ConsumeContext<TMessage> context,
        ISagaConsumeContextFactory<QueueFlowDbContext, Job> factory,
        TimeProvider clock,
        bool publishTaskStateChanged,
        GroupCommit? groupCommit,
        GroupRead? groupRead)
        : base(context)
    {
        _db = db;
        _transaction = transaction;
        _context = context;
        _factory = factory;
        _clock = clock;
        _publishTaskStateChanged = publishTaskStateChanged;
        _groupCommit = groupCommit;
        _groupRead = groupRead;
    }

    /// <summary>The transaction the factory began, or the one <see cref="Insert"/> began; the factory commits it.</summary>
    internal IDbContextTransaction? Transaction => _transaction;

    /// <summary>The outbox rows this message wrote, in order; their sequence numbers are read back on save.</summary>
    internal List<OutboxMessage> Written { get; } = [];

    /// <summary>The job this message touched, for error messages.</summary>
    internal Guid? JobId { get; private set; }

    /// <summary>True once this session holds the job's send lock: the factory must release it, committed or not.</summary>
    internal bool HoldsJobLock { get; private set; }

    /// <summary>The job's send lock as the process's <see cref="GroupRead"/> holds it for this message, if it does.</summary>
    internal LockedRead? GroupLock { get; private set; }

    /// <summary>
    /// The job still had outbox rows when it was locked: an earlier message's rows that were not sent (a broker
    /// outage, a crashed instance). Its new rows must then go out behind them, not before.
    /// </summary>
    internal bool EarlierRowsWaiting { get; private set; }

    /// <summary>Task rows the batched write of a loaded job inserted, updated or deleted (EF Core writes not counted).</summary>
    internal int TaskRowsWritten { get; private set; }

    /// <summary>Where this message's time goes, recorded by the factory once the job's lock is released.</summary>
    internal MessagePhases Phases { get; } = new();

    /// <summary>The workflow of the job read or written, for the metrics taken after commit.</summary>
    internal string Workflow { get; private set; } = string.Empty;

    /// <summary>Answers and history written, counted in the metrics only once the transaction committed.</summary>
    internal List<Contracts.CommandOutcome> CommittedOutcomes { get; } = [];

    internal List<JobHistoryEntry> CommittedHistory { get; } = [];

    public Task<SagaConsumeContext<Job, TMessage>> Add(Job instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        JobId = instance.CorrelationId;

        // Not inserted yet: a new job that the saga finalizes at once is discarded without a row.
        return _factory.CreateSagaConsumeContext(_db, _context, instance, SagaConsumeContextMode.Add);
    }

    public async Task<SagaConsumeContext<Job, TMessage>?> Insert(Job instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        JobId = instance.CorrelationId;

        _transaction ??= await _db.Database.BeginTransactionAsync(CancellationToken).ConfigureAwait(false);
        await TakeJobLockAsync(instance.CorrelationId).ConfigureAwait(false);
        await _transaction.CreateSavepointAsync(InsertSavepoint, CancellationToken).ConfigureAwait(false);
        _db.Jobs.Add(instance);
        try
        {
            await _db.SaveChangesAsync(CancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException exception) when (PostgresConflicts.IsUniqueViolation(exception))
        {
            // The job exists already: undo the failed insert and let the caller load and lock it instead.
            await _transaction.RollbackToSavepointAsync(InsertSavepoint, CancellationToken).ConfigureAwait(false);
            _db.ChangeTracker.Clear();
            return null;
        }

        // The inserted row stays locked by this transaction until the factory commits it.
        return await _factory.CreateSagaConsumeContext(_db, _context, instance, SagaConsumeContextMode.Insert).ConfigureAwait(false);
    }

    public async Task<SagaConsumeContext<Job, TMessage>?> Load(Guid correlationId)
    {
        JobId = correlationId;

        // The lock, the row version and the job with its tasks in one round trip, shared with other messages' where it
        // can be (a job another session holds is locked here, waiting); untracked: the write takes what changed from the
        // job's change set instead of EF Core's snapshots of every row and jsonb.
        if (GroupLock is not null)
            throw new InvalidOperationException("A message loads its job once: its group-held lock would keep its own session waiting.");
        LockedJob? locked = null;
        if (_groupRead is not null && _transaction is null && await _groupRead.ReadAsync(correlationId).ConfigureAwait(false) is { Job: { } read } granted)
        {
            GroupLock = granted;
            HoldsJobLock = true;
            locked = read;
        }

        locked ??= await LockedJobReader.ReadAsync(
            (NpgsqlConnection)_db.Database.GetDbConnection(), DbTransaction, correlationId, () => HoldsJobLock = true, CancellationToken)
            .ConfigureAwait(false);
        Phases.Read();
        if (locked is null)
            return null;

        Workflow = locked.Job.Workflow;
        EarlierRowsWaiting = locked.EarlierRowsWaiting;
        _loadedRowVersion = locked.RowVersion;
        _loadedCounted = (locked.Job.Status, locked.Job.Workflow);
        _loaded = locked.Job;
        _loadedTasks = locked.Job.Tasks.ToDictionary(t => t.TaskId, t => new CountedTask(t.Queue, t.Status), StringComparer.Ordinal);

        return await _factory.CreateSagaConsumeContext(_db, _context, locked.Job, SagaConsumeContextMode.Load).ConfigureAwait(false);
    }

    public async Task Save(SagaConsumeContext<Job> context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // The lock is taken only now, not when the job was found missing, so two starts of one job still race to the
        // insert (the loser meets a unique violation and is retried against the winner's row).
        var job = context.Saga;
        var (history, outbox) = TakePending(job);
        var batch = new JobChangeBatch();
        if (!HoldsJobLock)
            batch.LockJob(job.CorrelationId);
        HoldsJobLock = true;
        batch.InsertJobRow(job);
        foreach (var task in job.Tasks)
            batch.InsertTaskRow(task);
        await ExecuteAsync(batch, history, outbox).ConfigureAwait(false);
    }

    public Task Update(SagaConsumeContext<Job> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ReferenceEquals(context.Saga, _loaded) ? WriteLoadedAsync(context.Saga, delete: false) : WriteAsync(context.Saga);
    }

    public async Task Delete(SagaConsumeContext<Job> context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // The last history entries and messages of a removed job still belong to its final transaction.
        if (ReferenceEquals(context.Saga, _loaded))
        {
            await WriteLoadedAsync(context.Saga, delete: true).ConfigureAwait(false);
            return;
        }

        _db.Jobs.Remove(context.Saga);
        await WriteAsync(context.Saga).ConfigureAwait(false);
    }

    public Task Discard(SagaConsumeContext<Job> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Forget(context.Saga);
        return Task.CompletedTask;
    }

    public Task Undo(SagaConsumeContext<Job> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Forget(context.Saga);
        return Task.CompletedTask;
    }

    public Task<SagaConsumeContext<Job, T>> CreateSagaConsumeContext<T>(ConsumeContext<T> consumeContext, Job instance, SagaConsumeContextMode mode)
        where T : class =>
        _factory.CreateSagaConsumeContext(_db, consumeContext, instance, mode);

    private async Task TakeJobLockAsync(Guid jobId)
    {
        var command = Command($"SELECT pg_advisory_lock({JobLocks.Class}, {JobLocks.KeyOf("@job::text")})", jobId);
        await using (command.ConfigureAwait(false))
            await command.ExecuteNonQueryAsync(CancellationToken).ConfigureAwait(false);
        HoldsJobLock = true;
    }

    private NpgsqlCommand Command(string sql, Guid jobId)
    {
        var command = new NpgsqlCommand(sql, (NpgsqlConnection)_db.Database.GetDbConnection(), DbTransaction);
        command.Parameters.Add(new NpgsqlParameter<Guid>("job", jobId));
        return command;
    }

    /// <summary>Writes a job that <see cref="Insert"/> inserted through EF Core, which tracks it.</summary>
    private async Task WriteAsync(Job job)
    {
        var (history, outbox) = TakePending(job);
        _db.JobHistory.AddRange(history);
        _db.Outbox.AddRange(outbox);
        Phases.Writing();
        await _db.SaveChangesAsync(CancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the job that <see cref="Load"/> read: its row, the task rows its change set names (the rules never remove
    /// a task: a job's tasks are its definition's, made when it starts), its history and its outbox rows, in one batch.
    /// </summary>
    private async Task WriteLoadedAsync(Job job, bool delete)
    {
        var tasks = job.Changes.Tasks.ToList();
        var (history, outbox) = TakePending(job);
        var batch = new JobChangeBatch();
        if (delete)
        {
            batch.DeleteJobRow(job.CorrelationId, _loadedRowVersion, _loadedCounted, _loadedTasks.Values);
        }
        else
        {
            batch.UpdateJobRow(job, _loadedRowVersion, _loadedCounted);
            foreach (var task in tasks)
            {
                if (_loadedTasks.TryGetValue(task.TaskId, out var before))
                    batch.UpdateTaskRow(task, before);
                else
                    batch.InsertTaskRow(task);
            }
        }

        await ExecuteAsync(batch, history, outbox).ConfigureAwait(false);
    }

    private NpgsqlTransaction? DbTransaction => (NpgsqlTransaction?)_transaction?.GetDbTransaction();

    /// <summary>
    /// Adds the history and outbox rows and runs the batch. Outside a transaction the batch is one implicit transaction:
    /// the job, its tasks, history and outgoing messages commit together or not at all; a write that takes no lock of its
    /// own goes to the process's <see cref="GroupCommit"/>, to be committed with other messages' writes.
    /// </summary>
    private async Task ExecuteAsync(JobChangeBatch batch, List<JobHistoryEntry> history, List<OutboxMessage> outbox)
    {
        foreach (var entry in history)
            batch.InsertHistoryRow(entry);
        foreach (var row in outbox)
            batch.InsertOutboxRow(row);

        Phases.Writing();
        if (_groupCommit is not null && _transaction is null && !batch.LocksJob)
            await _groupCommit.WriteAsync(batch).ConfigureAwait(false);
        else
            await batch.ExecuteAsync((NpgsqlConnection)_db.Database.GetDbConnection(), DbTransaction, CancellationToken).ConfigureAwait(false);
        TaskRowsWritten += batch.TaskRows;
    }

    /// <summary>Moves the job's change set's history, timers and messages into rows of this message's transaction.</summary>
    private (List<JobHistoryEntry> History, List<OutboxMessage> Outbox) TakePending(Job job)
    {
        // Latency is measured from the message's receipt, so time spent waiting for the job's lock counts too.
        var receivedAt = _clock.GetUtcNow() - _context.ReceiveContext.ElapsedTime;
        var trace = CarriedTrace.Current;
        var changes = job.Changes;
        var history = changes.History.ToList();
        var outbox = new List<OutboxMessage>(changes.Timers.Count + changes.Messages.Count);

        // Timers first: a timer is in the store before anything its job sent can be answered (the relay sends a
        // job's rows in order), and a removal and a new timer under one key keep their order.
        foreach (var timer in changes.Timers)
            outbox.Add(OutboxMessages.ToRow(job.CorrelationId, timer, receivedAt, trace));
        foreach (var message in changes.Messages)
        {
            // The fanout copy of a task event is opt-in (OutboxRelayOptions.PublishTaskStateChanged); watchers' copies have their own destination.
            if (!_publishTaskStateChanged && message is { Destination: MessageDestination.Publish, Message: Contracts.TaskStateChanged })
                continue;

            outbox.Add(OutboxMessages.ToRow(job.CorrelationId, message, receivedAt, trace));
        }

        Written.AddRange(outbox);
        Workflow = job.Workflow;
        CommittedHistory.AddRange(history);
        CommittedOutcomes.AddRange(changes.Outcomes);
        changes.Clear();
        return (history, outbox);
    }

    private void Forget(Job job)
    {
        // Nothing of this message may reach the database; the factory rolls the transaction back or commits nothing of it.
        job.Changes.Clear();
        Written.Clear();
        _loaded = null;
        _db.ChangeTracker.Clear();
    }
}
