using System.Runtime.ExceptionServices;

namespace QueueFlow.Worker.Hosting;

/// <summary>How the worker's host is run.</summary>
public static class HostRunning
{
    /// <summary>
    /// Runs <paramref name="host"/> until it is told to stop, as <c>RunAsync</c> does, except that a start that fails
    /// part-way stops the host before disposing it. <c>RunAsync</c> disposes a host whose start failed without stopping
    /// the services that had already started: the bus, consuming by then, failed the messages it was running with
    /// <see cref="ObjectDisposedException"/> and sent them to the error queue (seen when SIGTERM came while Quartz was
    /// still starting). Stopped first, the bus finishes what it runs or gives it back to the queue.
    /// </summary>
    public static async Task RunStoppingOnFailedStartAsync(this IHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        try
        {
            try
            {
                await host.StartAsync().ConfigureAwait(false);
            }
            catch (Exception startFailure)
            {
                // Bounded by the host's own shutdown timeout; the start's failure is what the caller must see.
                try
                {
                    await host.StopAsync().ConfigureAwait(false);
                }
                catch (Exception stopFailure)
                {
                    throw new AggregateException("The host failed to start, then to stop.", startFailure, stopFailure);
                }

                ExceptionDispatchInfo.Throw(startFailure);
            }

            await host.WaitForShutdownAsync().ConfigureAwait(false);
        }
        finally
        {
            if (host is IAsyncDisposable asyncDisposable)
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            else
                host.Dispose();
        }
    }
}
