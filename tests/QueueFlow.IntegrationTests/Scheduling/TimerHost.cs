using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using QueueFlow.Core.Scheduling;
using QueueFlow.IntegrationTests.Infrastructure;
using QueueFlow.Scheduling;
using QueueFlow.Worker.Messaging;
using Quartz;

namespace QueueFlow.IntegrationTests.Scheduling;

/// <summary>
/// One timer instance as a worker would run it: a RabbitMQ bus serializing as the worker's does and
/// the clustered Quartz scheduler on the real PostgreSQL, with the waits cut short so tests are quick.
/// Instances given the same <c>schedulerName</c> share their timers, as worker instances do.
/// </summary>
public sealed class TimerHost : IAsyncDisposable
{
    bool _stopped;

    TimerHost(IHost host) => Host = host;

    public IHost Host { get; }

    public ITimerScheduler Timers => Host.Services.GetRequiredService<ITimerScheduler>();

    public async Task<IScheduler> SchedulerAsync() => await Host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();

    public static IHost Build(string schedulerName, Action<TimerSchedulingOptions>? options = null, Action<IServiceCollection>? services = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = Environment.GetEnvironmentVariable("QUEUEFLOW_TEST_LOG_LEVEL") ?? "Warning",
        });

        builder.Services.AddMassTransit(x => x.UsingRabbitMq((_, cfg) =>
        {
            cfg.Host(TestSettings.RabbitHost, (ushort)TestSettings.RabbitPort, TestSettings.RabbitVirtualHost, h =>
            {
                h.Username(TestSettings.RabbitUsername);
                h.Password(TestSettings.RabbitPassword);
            });
            var plainJson = new TypedPlainJsonSerializerFactory(RawSerializerOptions.AddTransportHeaders | RawSerializerOptions.CopyHeaders);
            cfg.AddSerializer(plainJson);
            cfg.AddDeserializer(plainJson, isDefault: true);
        }));

        // After the bus, so the scheduler stops (and finishes its sends) before the bus does.
        builder.Services.AddQueueFlowScheduling(TestSettings.ConnectionString, o =>
        {
            o.SchedulerName = schedulerName;
            o.IdleWaitTime = TimeSpan.FromSeconds(1);
            o.CheckinInterval = TimeSpan.FromSeconds(1);
            o.CheckinMisfireThreshold = TimeSpan.FromSeconds(2);
            options?.Invoke(o);
        });
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary>Starts an instance and returns once its scheduler runs (it starts after the host has).</summary>
    public static async Task<TimerHost> StartAsync(string schedulerName, Action<TimerSchedulingOptions>? options = null, Action<IServiceCollection>? services = null)
    {
        var host = new TimerHost(Build(schedulerName, options, services));
        await host.Host.StartAsync();
        var scheduler = await host.SchedulerAsync();
        await Eventually.Until(() => scheduler.GetStatus().AsTask(), status => status == SchedulerStatus.Running, $"scheduler {schedulerName} to start", TimeSpan.FromSeconds(30));
        return host;
    }

    public async Task StopAsync()
    {
        if (_stopped)
            return;
        _stopped = true;
        await Host.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Host.Dispose();
    }
}
