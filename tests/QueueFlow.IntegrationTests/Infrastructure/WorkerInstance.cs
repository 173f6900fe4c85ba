using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using QueueFlow.Persistence;
using QueueFlow.Worker.Hosting;

namespace QueueFlow.IntegrationTests.Infrastructure;

/// <summary>One QueueFlow worker, built exactly as Program.cs builds it, against the real services.</summary>
public sealed class WorkerInstance : IAsyncDisposable
{
    WorkerInstance(IHost host) => Host = host;

    public IHost Host { get; }

    public IServiceProvider Services => Host.Services;

    public static async Task<WorkerInstance> StartAsync(IDictionary<string, string?>? overrides = null, Action<IServiceCollection>? services = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Test" });
        var configuration = TestSettings.WorkerConfiguration();
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
            configuration[key] = value;
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddQueueFlowWorker();
        services?.Invoke(builder.Services);

        var host = builder.Build();
        await host.StartAsync();
        await BusReadiness.UntilStartedAsync(host.Services);
        return new WorkerInstance(host);
    }

    public QueueFlowDbContext CreateDbContext() => Services.GetRequiredService<IDbContextFactory<QueueFlowDbContext>>().CreateDbContext();

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
    }
}
