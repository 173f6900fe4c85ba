using MassTransit;
using MassTransit.Middleware;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using QueueFlow.Core.Jobs;

namespace QueueFlow.Persistence.Jobs;

/// <summary>Reads jobs outside a message (MassTransit's load and query repositories): no locks, no tracking.</summary>
internal sealed class JobReadContext(QueueFlowDbContext db, CancellationToken cancellationToken)
    : BasePipeContext(cancellationToken), QuerySagaRepositoryContext<Job>, LoadSagaRepositoryContext<Job>
{
    // MassTransit declares no nullability here, but a missing job is answered with null.
    public async Task<Job> Load(Guid correlationId) =>
        (await db.Jobs.AsNoTracking()
            .Include(j => j.Tasks)
            .AsSplitQuery()
            .SingleOrDefaultAsync(j => j.CorrelationId == correlationId, CancellationToken)
            .ConfigureAwait(false))!;

    public async Task<SagaRepositoryQueryContext<Job>> Query(ISagaQuery<Job> query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var ids = await db.Jobs.AsNoTracking()
            .Where(query.FilterExpression)
            .Select(j => j.CorrelationId)
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        return new DefaultSagaRepositoryQueryContext<Job>(this, ids);
    }
}
