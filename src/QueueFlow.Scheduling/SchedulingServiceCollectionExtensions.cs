using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using QueueFlow.Core.Scheduling;
using Quartz;

namespace QueueFlow.Scheduling;

/// <summary>Durable timers on Quartz's clustered PostgreSQL job store, fired onto the bus.</summary>
public static class SchedulingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ITimerScheduler"/> and the Quartz scheduler that fires its timers, started
    /// and stopped with the host. Needs MassTransit's <c>ISendEndpointProvider</c> (AddMassTransit)
    /// and the tables of the QuartzTables migration: the scheduler checks them at start-up and never
    /// creates them.
    /// </summary>
    public static IServiceCollection AddQueueFlowScheduling(this IServiceCollection services, string connectionString, Action<TimerSchedulingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = new TimerSchedulingOptions();
        configure?.Invoke(options);
        options.Validate();

        services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(scheduler =>
            {
                scheduler.InstanceName = options.SchedulerName;

                // Unique per process, even for two hosts in one process: a clustered node recognises its
                // own check-ins and fired triggers by this id, so two nodes sharing one would each take
                // the other's work for its own and never recover it.
                scheduler.InstanceId = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";
                scheduler.IdleWaitTime = options.IdleWaitTime;
            });
            quartz.UseDefaultThreadPool(options.MaxConcurrency);
            quartz.UsePersistentStore(store =>
            {
                store.UsePostgres(NpgsqlFactory.Instance, connectionString);
                store.UseSystemTextJsonSerializer();
                store.UseClustering(cluster =>
                {
                    cluster.CheckinInterval = options.CheckinInterval;
                    cluster.CheckinMisfireThreshold = options.CheckinMisfireThreshold;
                });
                store.ConfigureStore(ado =>
                {
                    ado.TablePrefix = options.TablePrefix;
                    ado.MisfireThreshold = options.MisfireThreshold;

                    // The schema is the migrations' (ops/migrate), never the worker's: instances starting
                    // together must not race to create it, and a missing one must stop start-up.
                    ado.SchemaProvisioning = SchemaProvisioning.Validate;
                });
            });
        });

        // Waiting lets a timer being sent finish before the bus stops; one cut short is fired again by
        // another instance, since its job requests recovery.
        services.AddQuartzHostedService(hosted => hosted.WaitForJobsToComplete = true);
        services.TryAddSingleton(TimeProvider.System);

        // The job reads its send timeout from here (the options object itself, not IOptions: the worker binds
        // IOptions<TimerSchedulingOptions> from configuration separately for its gauges).
        services.AddSingleton(options);
        services.AddSingleton<ITimerScheduler, QuartzTimerScheduler>();
        return services;
    }
}
