using MassTransit;
using Microsoft.Extensions.Options;
using QueueFlow.Api;
using QueueFlow.Core.Jobs;
using QueueFlow.Core.Workflows;
using QueueFlow.Persistence;
using QueueFlow.Persistence.Jobs;
using QueueFlow.Persistence.Outbox;
using QueueFlow.Persistence.Retention;
using QueueFlow.Scheduling;
using QueueFlow.Worker.DeadLetters;
using QueueFlow.Worker.Messaging;
using QueueFlow.Worker.Telemetry;
using QueueFlow.Worker.Workflows;

namespace QueueFlow.Worker.Hosting;

/// <summary>Everything the worker runs, in one place, so Program.cs and the tests build the same host.</summary>
public static class WorkerServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddQueueFlowWorker(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var connectionString = builder.Configuration.GetConnectionString("QueueFlow")
            ?? throw new InvalidOperationException("ConnectionStrings:QueueFlow is not set (environment: ConnectionStrings__QueueFlow)");

        services.AddOptions<RabbitMqOptions>().BindConfiguration(RabbitMqOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EndpointOptions>().BindConfiguration(EndpointOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DeadLetterOptions>().BindConfiguration(DeadLetterOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.RetryInterval > TimeSpan.Zero, "DeadLetters:RetryInterval must be positive.").ValidateOnStart();
        services.AddOptions<JobRulesOptions>().BindConfiguration("Jobs");
        services.AddOptions<OutboxRelayOptions>().BindConfiguration(OutboxRelayOptions.Section);
        services.AddOptions<WorkflowDirectoryOptions>().BindConfiguration(WorkflowDirectoryOptions.Section);
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section)
            .Validate(o => o.IsValid(), "Retention: FinishedJobs, FailedJobs and ResolvedDeadLetters > 0 when set, Interval > 0, 0 < BatchSize <= 1000.").ValidateOnStart();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new JobRules(sp.GetRequiredService<IOptions<JobRulesOptions>>().Value));
        services.AddSingleton(sp => new TaskStateRules(sp.GetRequiredService<JobRules>(), sp.GetRequiredService<IOptions<JobRulesOptions>>().Value));
        services.AddSingleton<TimerRules>();
        services.AddSingleton<JobControlRules>();
        services.AddQueueFlowPersistence(connectionString);
        services.AddOptions<OutboxRelayOptions>().Configure<IOptions<EndpointOptions>>((relay, endpoints) => relay.EntityPrefix = endpoints.Value.Prefix);

        // Registered before MassTransit's hosted service so definitions are in the catalog before the first message.
        services.AddHostedService<WorkflowDirectoryLoader>();
        services.AddHostedService<RetentionSweeper>();

        var usageTelemetry = builder.Configuration.GetSection(TelemetryOptions.Section).GetValue<bool>(nameof(TelemetryOptions.MassTransitUsageTelemetry));
        services.AddMassTransit(x =>
        {
            // MassTransit 8.4+ reports usage to its vendor at start-up unless told not to (MASSTRANSIT_USAGE_TELEMETRY still overrides).
            x.ConfigureUsageTelemetryOptions(o => o.Enabled = usageTelemetry);
            x.AddSagaStateMachine<JobSagaStateMachine, Job, JobSagaDefinition>().PostgresRepository();
            x.AddConsumer<RegisterWorkflowConsumer, WorkflowsEndpointDefinition>();
            x.UsingRabbitMq((context, cfg) =>
            {
                var rabbit = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                cfg.Host(rabbit.Host, rabbit.Port, rabbit.VirtualHost, h =>
                {
                    h.Username(rabbit.Username);
                    h.Password(rabbit.Password);
                });

                // The deployment's prefix before every exchange named after a contract: what it publishes, what its
                // queues bind, where the API's request client sends, so no other deployment's queue gets a copy.
                var prefix = context.GetRequiredService<IOptions<EndpointOptions>>().Value.Prefix;
                if (prefix.Length > 0)
                    cfg.MessageTopology.SetEntityNameFormatter(new PrefixEntityNameFormatter(cfg.MessageTopology.EntityNameFormatter, prefix));

                // Plain camelCase JSON on the wire, with the message type in a header, so a producer or
                // worker in any language needs only an AMQP client. MassTransit's envelope is still read.
                var plainJson = new TypedPlainJsonSerializerFactory(RawSerializerOptions.AddTransportHeaders | RawSerializerOptions.CopyHeaders);
                cfg.AddSerializer(plainJson);
                cfg.AddDeserializer(plainJson, isDefault: true);

                // The standard traceparent header on every message sent, beside MassTransit's own.
                cfg.UseSendFilter(typeof(TraceContextSendFilter<>), context);
                cfg.UsePublishFilter(typeof(TraceContextSendFilter<>), context);
                cfg.ConfigureEndpoints(context);
            });
        });

        // After MassTransit: hosted services stop in reverse order, so timers finish their sends before the bus stops.
        // Quartz's own pool: a command hands its job's timers over while it holds a connection of the handlers' pool.
        services.AddQueueFlowScheduling(SidePools.For(connectionString, "timers"), o => builder.Configuration.GetSection(TimerSchedulingOptions.Section).Bind(o));

        services.AddHostedService<ErrorQueueMover>();
        services.AddSingleton<RabbitMqManagementApi>();
        services.AddSingleton<QueueFlow.Api.Stats.IQueueBacklogReader, RabbitMqQueueBacklogReader>();
        services.AddSingleton<QueueFlow.Api.DeadLetters.IReplayDestinationCheck, RabbitMqReplayDestinationCheck>();

        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        services.AddOptions<ReadinessOptions>().BindConfiguration(ReadinessOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHealthChecks()
            .AddCheck(HealthEndpoints.LiveCheck, () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy("the process is up"), tags: [HealthEndpoints.LiveTag])
            .AddNpgSql(connectionString, name: "postgresql", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<TimerSchedulerHealthCheck>("timers", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<OutboxRelayHealthCheck>("outbox-relay", tags: [HealthEndpoints.ReadyTag]);
        builder.AddQueueFlowTelemetry();
        builder.AddQueueFlowApi();
        return builder;
    }
}
