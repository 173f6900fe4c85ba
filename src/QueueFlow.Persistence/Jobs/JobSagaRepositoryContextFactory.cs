using MassTransit;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using QueueFlow.Core.Jobs;
using QueueFlow.Core.Telemetry;
using QueueFlow.Persistence.Outbox;

namespace QueueFlow.Persistence.Jobs;

/// <summary>
/// Runs one message against the job tables: hands the saga a <see cref="JobSagaRepositoryContext{TMessage}"/>,
/// whose write commits the job, its history and its outbox rows together (a message correlated by a query writes
/// its jobs in a transaction committed here once the saga returned). Then, still holding the job's send lock, it sends those rows itself and
/// deletes them (<see cref="OutboxDispatcher"/>); the relay only sweeps what a failed send or a crash left.
/// Resolved per message from a DI scope, like its DbContext.
/// </summary>
public sealed partial class JobSagaRepositoryContextFactory(
    QueueFlowDbContext db,
    ISagaConsumeContextFactory<QueueFlowDbContext, Job> consumeContextFactory,
    OutboxDispatcher dispatcher,
    OutboxRelaySignal relaySignal,
    IOptions<OutboxRelayOptions> outboxOptions,
    TimeProvider clock,
    ILogger<JobSagaRepositoryContextFactory> logger,
    GroupCommit? groupCommit = null,
    GroupRead? groupRead = null)
    : ISagaRepositoryContextFactory<Job>, IQuerySagaRepositoryContextFactory<Job>, ILoadSagaRepositoryContextFactory<Job>
{
    public Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<Job, T>> next)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(next);
        return InTransaction(context, oneJob: true, repositoryContext => next.Send(repositoryContext));
    }

    public Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<Job> query, IPipe<SagaRepositoryQueryContext<Job, T>> next)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(next);
        return InTransaction(context, oneJob: false, async repositoryContext =>
        {
            var ids = await db.Jobs.AsNoTracking()
                .Where(query.FilterExpression)
                .Select(j => j.CorrelationId)
                .ToListAsync(context.CancellationToken)
                .ConfigureAwait(false);

            await next.Send(new DefaultSagaRepositoryQueryContext<Job, T>(repositoryContext, ids)).ConfigureAwait(false);
        });
    }

    public Task<T> Execute<T>(Func<QuerySagaRepositoryContext<Job>, Task<T>> asyncMethod, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(asyncMethod);
        return asyncMethod(new JobReadContext(db, cancellationToken));
    }

    public Task<T> Execute<T>(Func<LoadSagaRepositoryContext<Job>, Task<T>> asyncMethod, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(asyncMethod);
        return asyncMethod(new JobReadContext(db, cancellationToken));
    }

    public void Probe(ProbeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Add("persistence", "postgresql");
    }

    /// <param name="oneJob">
    /// The message touches one job: its one batched write is atomic by itself, so no transaction is begun for it.
    /// </param>
    private async Task InTransaction<T>(ConsumeContext<T> context, bool oneJob, Func<JobSagaRepositoryContext<T>, Task> send)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);

        // Opened here, not by a transaction, so the session that holds the job's send lock outlives the write.
        await db.Database.OpenConnectionAsync(context.CancellationToken).ConfigureAwait(false);
        JobSagaRepositoryContext<T>? repositoryContext = null;
        Guid[] sent = [];
        try
        {
            var transaction = oneJob ? null : await db.Database.BeginTransactionAsync(context.CancellationToken).ConfigureAwait(false);
            repositoryContext = new JobSagaRepositoryContext<T>(
                db, transaction, context, consumeContextFactory, clock, outboxOptions.Value.PublishTaskStateChanged, groupCommit, groupRead);
            try
            {
                await send(repositoryContext).ConfigureAwait(false);
                if (repositoryContext.Transaction is { } begun)
                    await begun.CommitAsync(context.CancellationToken).ConfigureAwait(false);
                repositoryContext.Phases.Committed();
            }
            catch (Exception exception) when (PostgresConflicts.IsConflict(exception))
            {
                QueueFlowMetrics.DatabaseError("job-conflict");

                // Nothing of the message was written; the retry filter redelivers it and it meets the winner's job.
                throw new JobPersistenceConflictException(repositoryContext.JobId ?? Guid.Empty, exception);
            }
            catch (Exception exception) when (exception is System.Data.Common.DbException or DbUpdateException)
            {
                QueueFlowMetrics.DatabaseError("job-write");
                throw;
            }
            finally
            {
                // Rolls back a transaction that did not commit.
                if (repositoryContext.Transaction is { } begun)
                    await begun.DisposeAsync().ConfigureAwait(false);
            }

            QueueFlowMetrics.Committed(repositoryContext.Workflow, repositoryContext.CommittedOutcomes, repositoryContext.CommittedHistory);
            if (repositoryContext.Written.Count > 0)
                sent = await SendCommittedAsync(repositoryContext, context.CancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (repositoryContext?.HoldsJobLock == true)
                await ReleaseAsync(sent, repositoryContext.GroupLock).ConfigureAwait(false);
            repositoryContext?.Phases.Released(repositoryContext.Workflow);
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The committed rows, sent now; anything unsent stays for the relay, which is woken for it.</summary>
    private async Task<Guid[]> SendCommittedAsync<T>(JobSagaRepositoryContext<T> committed, CancellationToken cancellationToken)
        where T : class
    {
        if (!outboxOptions.Value.SendAfterCommit || !committed.HoldsJobLock || committed.JobId is not { } jobId)
        {
            relaySignal.Notify();
            return [];
        }

        try
        {
            return await dispatcher.SendAsync(db, jobId, committed.Written, committed.EarlierRowsWaiting, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Committed is committed: the message is done, and its rows go out with the relay's next pass.
            LogSendAfterCommitFailed(exception, jobId);
            relaySignal.Notify();
            return [];
        }
        finally
        {
            // Only a send tried here is timed: rows left to the relay are not this message's send.
            committed.Phases.Sent();
        }
    }

    /// <summary>
    /// Deletes the rows that went out and releases the job's send lock where it is held: by <see cref="GroupRead"/>'s
    /// session, which commits them with other messages' deletes in its next round trip, before that round trip's unlocks
    /// and reads; or on this one (<see cref="SentRowsRelease"/>), in one round trip too. The message need not wait for
    /// the group's: the job's next message waits for the lock, which goes only after the delete committed.
    /// Whatever fails on the way, the lock is released: a lock left held stalls the job on every instance, while rows
    /// left undeleted are only sent again (consumers answer them as duplicates).
    /// </summary>
    private async Task ReleaseAsync(Guid[] sent, LockedRead? groupLock)
    {
        // Held by the group's session: the deletes go with its next round trip, committed before the lock goes.
        if (groupLock is not null && groupRead!.Release(groupLock, sent))
            return;

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        try
        {
            // A lock held by the group's session (which is closing, and releases it) leaves this one only rows to delete.
            await SentRowsRelease.ExecuteAsync(connection, sent).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // The rows stay and are sent again by the relay (consumers deduplicate by message id). The lock must not
            // go back to the pool with the connection: clearing the pool closes this one when it is returned.
            LogReleaseFailed(exception);
            NpgsqlConnection.ClearPool(connection);
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning,
        Message = "Sending the committed messages of job {JobId} failed; the outbox relay sends them")]
    private partial void LogSendAfterCommitFailed(Exception exception, Guid jobId);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning,
        Message = "Releasing a job's send lock failed; the connection is discarded and any sent rows are sent again by the relay")]
    private partial void LogReleaseFailed(Exception exception);

}
