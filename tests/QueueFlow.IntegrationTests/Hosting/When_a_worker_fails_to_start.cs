using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using QueueFlow.Worker.Hosting;

namespace QueueFlow.IntegrationTests.Hosting;

/// <summary>
/// Found by ops/chaos: a worker told to stop while it was still starting disposed its services with the bus still
/// running, and the messages the bus was running went to the error queue. A start that fails part-way now stops what
/// had started (the bus finishes or gives back its messages) before anything is disposed.
/// </summary>
public sealed class When_a_worker_fails_to_start
{
    [Fact]
    public async Task Should_stop_the_services_that_had_started_before_disposing_them()
    {
        var events = new ConcurrentQueue<string>();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(events);
        builder.Services.AddHostedService<StartedFirst>();
        builder.Services.AddHostedService<FailsToStart>();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => builder.Build().RunStoppingOnFailedStartAsync())
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("the timer store cannot start", failure.Message);
        Assert.Equal(["started", "stopped", "disposed"], events);
    }

    /// <summary>Stands for the bus: started before the service that fails, and stopped gracefully only if asked.</summary>
    private sealed class StartedFirst(ConcurrentQueue<string> events) : IHostedService, IDisposable
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            events.Enqueue("started");
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            events.Enqueue("stopped");
            return Task.CompletedTask;
        }

        public void Dispose() => events.Enqueue("disposed");
    }

    private sealed class FailsToStart : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("the timer store cannot start");

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
