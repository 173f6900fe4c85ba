using MassTransit;
using MassTransit.Configuration;
using MassTransit.Saga;
using QueueFlow.Core.Jobs;

namespace QueueFlow.Persistence.Jobs;

public static class JobSagaRepositoryRegistrationExtensions
{
    /// <summary>
    /// Stores the job saga in PostgreSQL (<see cref="JobSagaRepositoryContextFactory"/>). Needs
    /// <see cref="PersistenceServiceCollectionExtensions.AddQueueFlowPersistence"/>; retry
    /// <see cref="JobPersistenceConflictException"/> on the saga's endpoint.
    /// </summary>
    public static ISagaRegistrationConfigurator<Job> PostgresRepository(this ISagaRegistrationConfigurator<Job> configurator)
    {
        ArgumentNullException.ThrowIfNull(configurator);

        // MassTransit opens a DI scope per message and resolves the factory (and so the DbContext) inside it.
        return configurator.Repository(services =>
        {
            services.RegisterSagaRepository<Job, QueueFlowDbContext, SagaConsumeContextFactory<QueueFlowDbContext, Job>, JobSagaRepositoryContextFactory>();
            services.RegisterQuerySagaRepository<Job, JobSagaRepositoryContextFactory>();
            services.RegisterLoadSagaRepository<Job, JobSagaRepositoryContextFactory>();
        });
    }
}
