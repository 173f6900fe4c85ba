using System.Diagnostics;
using MassTransit;
using MassTransit.Context;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using QueueFlow.Core.Jobs;
using QueueFlow.Persistence.Outbox;

namespace QueueFlow.Persistence.Jobs;

/// <summary>
/// The job repository as one message sees it: a DbContext inside an open transaction that
/// <see cref="JobSagaRepositoryContextFactory"/> commits after the saga returned. Jobs loaded here are
/// locked FOR UPDATE until then, so changes to one job are applied one at a time across instances.
/// </summary>
public sealed class JobSagaRepositoryContext<TMessage> : ConsumeContextScope<TMessage>, SagaRepositoryContext<Job, TMessage>
    where TMessage : class
{
    private const string InsertSavepoint = "job_insert";

    private readonly QueueFlowDbContext _db;
    private readonly IDbContextTransaction _transaction;
    private readonly ConsumeContext<TMessage> _context;
    private readonly ISagaConsumeContextFactory<QueueFlowDbContext, Job> _factory;
    private readonly TimeProvider _clock;

    internal JobSagaRepositoryContext(
        QueueFlowDbContext db,
        IDbContextTransaction transaction,
        ConsumeContext<TMessage> context,
        ISagaConsumeContextFactory<QueueFlowDbContext, Job> factory,
        TimeProvider clock)
        : base(context)
    {
        _db = db;
        _transaction = transaction;
        _context = context;
        _factory = factory;
        _clock = clock;
    }

    /// <summary>True once a row was written to the outbox: the relay is worth waking after commit.</summary>
    internal bool WroteOutbox { get; private set; }

    /// <summary>The job this message touched, for error messages.</summary>
    internal Guid? JobId { get; private set; }

    /// <summary>The workflow of the job written, for the metrics taken after commit.</summary>
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
        var job = await LockAsync(correlationId).ConfigureAwait(false);
        if (job is null)
            return null;

        // A second statement, so the tasks are read after the lock was granted and never predate the job row.
        await _db.JobTasks.Where(t => t.JobId == correlationId).LoadAsync(CancellationToken).ConfigureAwait(false);

        return await _factory.CreateSagaConsumeContext(_db, _context, job, SagaConsumeContextMode.Load).ConfigureAwait(false);
    }

    public async Task Save(SagaConsumeContext<Job> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _db.Jobs.Add(context.Saga);
        await WriteAsync(context.Saga).ConfigureAwait(false);
    }

    public Task Update(SagaConsumeContext<Job> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return WriteAsync(context.Saga);
    }

    public async Task Delete(SagaConsumeContext<Job> context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // The last history entries and messages of a removed job still belong to its final transaction.
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

    private async Task<Job?> LockAsync(Guid jobId)
    {
        // xmin is a system column: name it, or EF cannot read the row version.
        var rows = await _db.Jobs
            .FromSql($"SELECT j.*, j.xmin FROM queueflow.jobs AS j WHERE j.id = {jobId} FOR UPDATE")
            .ToListAsync(CancellationToken)
            .ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    private async Task WriteAsync(Job job)
    {
        // Latency is measured from the message's receipt, so time spent waiting for the job's lock counts too.
        var receivedAt = _clock.GetUtcNow() - _context.ReceiveContext.ElapsedTime;
        var trace = Activity.Current;
        foreach (var entry in job.PendingHistory)
            _db.JobHistory.Add(entry);

        foreach (var message in job.PendingMessages)
            _db.Outbox.Add(OutboxMessages.ToRow(job.CorrelationId, message, receivedAt, trace));

        WroteOutbox |= job.PendingMessages.Count > 0;
        Workflow = job.Workflow;
        CommittedHistory.AddRange(job.PendingHistory);
        CommittedOutcomes.AddRange(job.PendingOutcomes);
        job.PendingHistory.Clear();
        job.PendingMessages.Clear();
        job.PendingOutcomes.Clear();

        await _db.SaveChangesAsync(CancellationToken).ConfigureAwait(false);
    }

    private void Forget(Job job)
    {
        // Nothing of this message may reach the database; the factory rolls the transaction back or commits nothing of it.
        job.PendingHistory.Clear();
        job.PendingMessages.Clear();
        job.PendingOutcomes.Clear();
        _db.ChangeTracker.Clear();
    }
}
