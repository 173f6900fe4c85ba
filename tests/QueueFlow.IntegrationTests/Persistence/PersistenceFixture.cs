using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using QueueFlow.Persistence;
using QueueFlow.Persistence.Jobs;
using QueueFlow.Persistence.Outbox;

namespace QueueFlow.IntegrationTests.Persistence;

/// <summary>
/// The real PostgreSQL the test command migrated (<c>ConnectionStrings__QueueFlow</c>), and in-memory
/// MassTransit harnesses wired to QueueFlow's persistence exactly as the worker wires it.
/// </summary>
public sealed class PersistenceFixture
{
    public const string DefaultConnectionString =
        "Host=127.0.0.1;Port=55432;Database=queueflow_test;Username=queueflow;Password=queueflow";

    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public string ConnectionString { get; } =
        Environment.GetEnvironmentVariable("ConnectionStrings__QueueFlow") is { Length: > 0 } configured
            ? configured
            : DefaultConnectionString;

    /// <summary>
    /// A harness running <see cref="ProbeJobStateMachine"/> on the PostgreSQL repository.
    /// <paramref name="retryConflicts"/> mirrors the worker's retry; without it any conflict faults the message.
    /// Committed rows stay in the outbox for the test to look at unless <paramref name="sendAfterCommit"/>, as in the worker.
    /// </summary>
    public ServiceProvider BuildSagaHarness(bool retryConflicts, Action<IServiceCollection>? configure = null, bool sendAfterCommit = false)
    {
        var services = BaseServices(configure);
        RemoveRelay(services);

        services.Configure<OutboxRelayOptions>(o => o.SendAfterCommit = sendAfterCommit);
        services.AddMassTransitTestHarness(x =>
        {
            x.AddSagaStateMachine<ProbeJobStateMachine, Core.Jobs.Job>().PostgresRepository();
            x.UsingInMemory((context, bus) =>
            {
                if (retryConflicts)
                    bus.UseMessageRetry(r => r.Immediate(5).Handle<JobPersistenceConflictException>());
                else
                    bus.UseMessageRetry(r => r.None());

                // Several messages of one job in flight at once, as on a worker with competing consumers.
                bus.ConcurrentMessageLimit = 16;
                bus.ConfigureEndpoints(context);
            });
        });
        return services.BuildServiceProvider(validateScopes: true);
    }

    /// <summary>A harness whose hosted services include the outbox relay (started with the harness).</summary>
    public ServiceProvider BuildRelayHarness(
        Action<IInMemoryBusFactoryConfigurator>? configureBus = null, Action<OutboxRelayOptions>? configureRelay = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var services = BaseServices(configureServices);
        services.Configure<OutboxRelayOptions>(o =>
        {
            o.PollInterval = TimeSpan.FromMilliseconds(200);
            configureRelay?.Invoke(o);
        });
        services.AddMassTransitTestHarness(x => x.UsingInMemory((context, bus) =>
        {
            configureBus?.Invoke(bus);
            bus.ConfigureEndpoints(context);
        }));
        return services.BuildServiceProvider(validateScopes: true);
    }

    public QueueFlowDbContext CreateDbContext()
    {
        var options = new DbContextOptionsBuilder<QueueFlowDbContext>();
        QueueFlowDbContextOptions.Configure(options, ConnectionString);
        return new QueueFlowDbContext(options.Options);
    }

    /// <summary>
    /// Keeps every relay on this database (any process) from taking outbox rows until disposed, so a test can
    /// look at rows its own transaction wrote.
    /// </summary>
    public async Task<IAsyncDisposable> HoldRelaysAsync() => await RelayHold.TakeAsync(ConnectionString);

    /// <summary>Polls <paramref name="probe"/> until <paramref name="done"/> holds; fails with the last value after <see cref="Patience"/>.</summary>
    public static Task<T> Eventually<T>(Func<Task<T>> probe, Func<T, bool> done, string what) =>
        Infrastructure.Eventually.Until(probe, done, what, Patience);

    private ServiceCollection BaseServices(Action<IServiceCollection>? configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddQueueFlowPersistence(ConnectionString);
        configure?.Invoke(services);
        return services;
    }

    private static void RemoveRelay(ServiceCollection services)
    {
        var relay = services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(OutboxRelay));
        services.Remove(relay);
    }
}
