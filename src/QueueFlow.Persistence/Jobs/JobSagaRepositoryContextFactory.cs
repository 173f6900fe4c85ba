using MassTransit;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using QueueFlow.Core.Jobs;
using QueueFlow.Core.Telemetry;
using QueueFlow.Persistence.Outbox;

namespace QueueFlow.Persistence.Jobs;

/// <summary>
/// Runs one message against the job tables: opens a transaction, hands the saga a
/// <see cref="JobSagaRepositoryContext{TMessage}"/>, and commits the job, its history and its outbox rows
/// together once the saga returned. Resolved per message from a DI scope, like its DbContext.
/// </summary>
public sealed class JobSagaRepositoryContextFactory(
    QueueFlowDbContext db,
    ISagaConsumeContextFactory<QueueFlowDbContext, Job> consumeContextFactory,
    OutboxRelaySignal relaySignal,
    TimeProvider clock)
    : ISagaRepositoryContextFactory<Job>, IQuerySagaRepositoryContextFactory<Job>, ILoadSagaRepositoryContextFactory<Job>
{
    public Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<Job, T>> next)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(next);
        return InTransaction(context, repositoryContext => next.Send(repositoryContext));
    }

    public Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<Job> query, IPipe<SagaRepositoryQueryContext<Job, T>> next)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(next);
        return InTransaction(context, async repositoryContext =>
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

    private async Task InTransaction<T>(ConsumeContext<T> context, Func<JobSagaRepositoryContext<T>, Task> send)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);

        var transaction = await db.Database.BeginTransactionAsync(context.CancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            var repositoryContext = new JobSagaRepositoryContext<T>(db, transaction, context, consumeContextFactory, clock);
            try
            {
                await send(repositoryContext).ConfigureAwait(false);
                await transaction.CommitAsync(context.CancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (PostgresConflicts.IsConflict(exception))
            {
                QueueFlowMetrics.DatabaseError("job-conflict");

                // Disposing the transaction rolls it back; the retry filter redelivers and the message meets the winner's job.
                throw new JobPersistenceConflictException(repositoryContext.JobId ?? Guid.Empty, exception);
            }
            catch (Exception exception) when (exception is System.Data.Common.DbException or DbUpdateException)
            {
                QueueFlowMetrics.DatabaseError("job-write");
                throw;
            }

            if (repositoryContext.WroteOutbox)
                relaySignal.Notify();
            QueueFlowMetrics.Committed(repositoryContext.Workflow, repositoryContext.CommittedOutcomes, repositoryContext.CommittedHistory);
        }
    }
}
