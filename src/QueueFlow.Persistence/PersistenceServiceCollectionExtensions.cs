using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using QueueFlow.Core.Workflows;
using QueueFlow.Persistence.Counts;
using QueueFlow.Persistence.DeadLetters;
using QueueFlow.Persistence.Outbox;
using QueueFlow.Persistence.Workflows;

namespace QueueFlow.Persistence;

public static class PersistenceServiceCollectionExtensions
{
    /// <summary>
    /// The DbContext (pooled factory, plus a scoped instance for the saga repository), the workflow catalog,
    /// the outbox sender used right after commit, the relay that sweeps what it left, the dead-letter store and its
    /// replay, and the folding of the status counts' changes. The sender needs MassTransit's <c>IBus</c>; bind
    /// <see cref="OutboxRelayOptions"/> from configuration in the host if the defaults do not fit.
    /// </summary>
    public static IServiceCollection AddQueueFlowPersistence(this IServiceCollection services, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        services.AddPooledDbContextFactory<QueueFlowDbContext>(options => QueueFlowDbContextOptions.Configure(options, connectionString));
        services.TryAddScoped(provider => provider.GetRequiredService<IDbContextFactory<QueueFlowDbContext>>().CreateDbContext());
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton(new WorkflowLookupContexts(connectionString));
        services.TryAddSingleton<PostgresWorkflowCatalog>();
        services.TryAddSingleton<IWorkflowCatalog>(provider => provider.GetRequiredService<PostgresWorkflowCatalog>());

        services.TryAddSingleton(provider => new Jobs.GroupCommit(connectionString, provider.GetRequiredService<ILogger<Jobs.GroupCommit>>()));
        services.TryAddSingleton(provider => new Jobs.GroupRead(connectionString, provider.GetRequiredService<ILogger<Jobs.GroupRead>>()));
        services.TryAddSingleton<OutboxRelaySignal>();
        services.TryAddSingleton<OutboxSender>();
        services.TryAddSingleton<OutboxDispatcher>();
        services.TryAddSingleton<DeadLetterStore>();
        services.TryAddSingleton<DeadLetterRepair>();
        services.AddOptions<OutboxRelayOptions>()
            .Validate(options => options.IsValid(), "Outbox relay options: PollInterval > 0, 0 < BatchSize <= 10000, MaxBackoff >= PollInterval, 0 < MaxAttempts <= 1000, SendTimeout > 0.")
            .ValidateOnStart();
        services.AddHostedService<OutboxRelay>();
        services.AddHostedService<StatusCountFolding>();

        return services;
    }
}
