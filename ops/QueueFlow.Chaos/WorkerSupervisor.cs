using System.Globalization;
using QueueFlow.Bench.Driving;

namespace QueueFlow.Chaos;

/// <summary>
/// The two QueueFlow worker processes, started as ops/bench starts them (<c>dotnet QueueFlow.Worker.dll</c>,
/// own log file each). Only processes this supervisor started are ever killed, by their own pid.
/// </summary>
internal sealed class WorkerSupervisor(string workerDll, IReadOnlyDictionary<string, string> environment, IReadOnlyList<int> httpPorts, string logDirectory) : IAsyncDisposable
{
    public const int Count = 2;

    readonly WorkerProcess?[] _workers = new WorkerProcess?[Count];
    readonly int[] _starts = new int[Count];
    readonly Lock _gate = new();

    public int Kills { get; private set; }

    public IEnumerable<string> LogPaths => Enumerable.Range(0, Count).SelectMany(i => Enumerable.Range(1, _starts[i]).Select(n => LogPath(i, n)));

    public void StartAll()
    {
        for (var i = 0; i < Count; i++)
            Start(i);
    }

    public void Start(int slot)
    {
        lock (_gate)
        {
            if (_workers[slot] is { HasExited: false })
                return;
            _starts[slot]++;
            // A fixed HTTP port per slot, so the health probe finds a restarted worker where the killed one was.
            var own = new Dictionary<string, string>(environment) { ["Urls"] = $"http://127.0.0.1:{httpPorts[slot]}" };
            _workers[slot] = WorkerProcess.Start(workerDll, own, LogPath(slot, _starts[slot]));
        }
    }

    /// <summary>kill -9 of the worker in <paramref name="slot"/>, by the pid of the process this supervisor started.</summary>
    public async Task<int?> KillAsync(int slot)
    {
        WorkerProcess? worker;
        lock (_gate)
        {
            worker = _workers[slot];
            _workers[slot] = null;
        }

        if (worker is null)
            return null;
        var pid = worker.Id;
        using (var kill = System.Diagnostics.Process.Start("kill", ["-KILL", pid.ToString(CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        Kills++;

        // Gone before it is disposed, so disposing never signals a pid that may already be reused.
        for (var i = 0; i < 50 && !worker.HasExited; i++)
            await Task.Delay(100);
        await worker.DisposeAsync();
        return pid;
    }

    public bool IsRunning(int slot)
    {
        lock (_gate)
            return _workers[slot] is { HasExited: false };
    }

    string LogPath(int slot, int start) => Path.Combine(logDirectory, $"worker{slot + 1}.{start}.log");

    /// <summary>Stops the running workers gracefully (SIGTERM, bounded), as a deployment would at the end.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            if (worker is not null)
                await worker.DisposeAsync();
        }
    }
}
