using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace QueueFlow.Persistence.Workflows;

/// <summary>
/// Contexts for the catalog's lookups, on a side pool of their own (<see cref="SidePools"/>): a StartJob looks its
/// workflow up while its command holds a connection of the handlers' pool, and must not wait for a second one there.
/// </summary>
public sealed class WorkflowLookupContexts(string connectionString) : IDbContextFactory<QueueFlowDbContext>
{
    private readonly PooledDbContextFactory<QueueFlowDbContext> _contexts = new(Options(connectionString));

    public QueueFlowDbContext CreateDbContext() => _contexts.CreateDbContext();

    public Task<QueueFlowDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
        _contexts.CreateDbContextAsync(cancellationToken);

    private static DbContextOptions<QueueFlowDbContext> Options(string connectionString)
    {
        var options = new DbContextOptionsBuilder<QueueFlowDbContext>();
        QueueFlowDbContextOptions.Configure(options, SidePools.For(connectionString, "workflow lookups", SidePools.LookupConnections));
        return options.Options;
    }
}
