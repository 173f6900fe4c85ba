using Hangfire;

namespace QueueFlow.Bench.Peer;

/// <summary>
/// The peer's server, run as its own process (<c>QueueFlow.Bench.dll hangfire-server</c>) as the QueueFlow
/// worker is, so its CPU and memory are measured apart from the driver's. It reports each step on standard
/// output, read by the driver.
/// </summary>
internal static class HangfireServer
{
    public static async Task<int> RunAsync(int workers, CancellationToken cancellationToken)
    {
        var connectionString = Environment.GetEnvironmentVariable(HangfireStorageFactory.ConnectionVariable)
            ?? throw new InvalidOperationException($"{HangfireStorageFactory.ConnectionVariable} is not set");
        var storage = HangfireStorageFactory.Create(connectionString);

        // The steps enqueue their successors through the global storage, as a Hangfire application does.
        JobStorage.Current = storage;
        GlobalJobFilters.Filters.Add(new HangfireChainEnd());
        using (new BackgroundJobServer(new BackgroundJobServerOptions { WorkerCount = workers }, storage))
        {
            Report("ready");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // SIGTERM from the driver: disposing the server lets running steps finish.
            }
        }

        return 0;
    }

    /// <summary>One line to the driver; Console.Out is synchronized, so the workers' lines never interleave.</summary>
    public static void Report(string line) => Console.Out.WriteLine(line);
}
