using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace QueueFlow.Bench.Driving;

/// <summary>The worker processes of one run: started together, ready together, measured and stopped together.</summary>
internal sealed class WorkerFleet : IAsyncDisposable
{
    static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    readonly List<WorkerProcess> _workers;
    readonly List<Uri> _addresses;

    WorkerFleet(List<WorkerProcess> workers, List<Uri> addresses)
    {
        _workers = workers;
        _addresses = addresses;
    }

    public IReadOnlyList<WorkerProcess> Workers => _workers;

    /// <summary>Each worker's HTTP address (its API, health and /metrics).</summary>
    public IReadOnlyList<Uri> Addresses => _addresses;

    /// <summary>
    /// Each instance listens on a port free when it starts (asked of the system, then handed over), so that the bench
    /// knows where to read its metrics and several instances never collide with each other or with a dev worker.
    /// </summary>
    public static WorkerFleet Start(int instances, string workerDll, IReadOnlyDictionary<string, string> environment, string runId)
    {
        var workers = new List<WorkerProcess>(instances);
        var addresses = new List<Uri>(instances);
        for (var i = 0; i < instances; i++)
        {
            var address = new Uri($"http://127.0.0.1:{FreePort()}");
            // Plain "Urls", not ASPNETCORE_URLS: environment variables outrank appsettings.json's "Urls" only without the prefix.
            var own = new Dictionary<string, string>(environment) { ["Urls"] = address.GetLeftPart(UriPartial.Authority) };
            workers.Add(WorkerProcess.Start(workerDll, own, Path.Combine(Path.GetTempPath(), $"queueflow-bench-{runId}-worker{i + 1}.log")));
            addresses.Add(address);
        }

        return new WorkerFleet(workers, addresses);
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Ready means every instance consumes each of <paramref name="queues"/>; a worker that dies instead fails fast with its log.</summary>
    public async Task WaitUntilConsumingAsync(BenchBroker broker, IReadOnlyList<string> queues, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            if (_workers.FirstOrDefault(w => w.HasExited) is { } dead)
                throw new InvalidOperationException($"worker process {dead.Id} exited while starting; log tail:\n{dead.LogTail(40)}");

            var ready = true;
            foreach (var queue in queues)
                ready &= (await broker.InspectAsync(queue, cancellationToken))?.Consumers >= _workers.Count;
            if (ready)
                return;

            if (Stopwatch.GetElapsedTime(started) > ReadyTimeout)
            {
                throw new TimeoutException(
                    $"the workers were not consuming {string.Join(" and ", queues)} within {ReadyTimeout.TotalSeconds:0}s; log tail:\n{_workers[0].LogTail(40)}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    public TimeSpan CpuTime() => _workers.Aggregate(TimeSpan.Zero, (sum, w) => sum + w.CpuTime());

    /// <summary>VmHWM of each worker, read before they stop: the high-water mark is gone with the process.</summary>
    public IReadOnlyList<long> PeakResidentBytes() => [.. _workers.Select(w => w.PeakResidentBytes() ?? 0)];

    /// <summary>VmRSS of each worker now: beside the peak, whether memory came back down or kept growing.</summary>
    public IReadOnlyList<long> ResidentBytes() => [.. _workers.Select(w => w.ResidentBytes() ?? 0)];

    public WorkerProcess? FirstExited() => _workers.FirstOrDefault(w => w.HasExited);

    public IReadOnlyList<string> LogPaths => [.. _workers.Select(w => w.LogPath)];

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_workers.Select(w => w.DisposeAsync().AsTask()));
    }
}
