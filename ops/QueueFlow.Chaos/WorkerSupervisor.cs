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
    readonly List<string> _exits = [];
    readonly List<string> _notStopped = [];

    public int Kills { get; private set; }

    /// <summary>Workers that exited by themselves (and were restarted): which start, its exit code, its log.</summary>
    public IReadOnlyList<string> Exits
    {
        get
        {
            lock (_gate)
                return [.. _exits];
        }
    }

    /// <summary>Workers that did not stop within the grace time of SIGTERM at the end, and were killed.</summary>
    public IReadOnlyList<string> NotStopped => _notStopped;

    /// <summary>The workers running now, by name (worker1, worker2) and pid.</summary>
    public IReadOnlyList<(string Name, int Pid)> Running
    {
        get
        {
            lock (_gate)
                return [.. _workers.Select((w, slot) => (w, slot)).Where(x => x.w is { HasExited: false }).Select(x => ($"worker{x.slot + 1}", x.w!.Id))];
        }
    }

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

    /// <summary>
    /// Restarts a worker that exited by itself (e.g. it could not reach PostgreSQL while starting), a second
    /// later, as a deployment's process manager would. Workers this supervisor killed are not its concern:
    /// their slot is empty until the fault brings them back.
    /// </summary>
    public async Task WatchAsync(long runStarted, Action<string> progress, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            for (var slot = 0; slot < Count; slot++)
            {
                WorkerProcess? exited;
                lock (_gate)
                {
                    exited = _workers[slot] is { HasExited: true } worker ? worker : null;
                    if (exited is not null)
                        _workers[slot] = null;
                }

                if (exited is null)
                    continue;
                var what = string.Create(CultureInfo.InvariantCulture,
                    $"+{System.Diagnostics.Stopwatch.GetElapsedTime(runStarted).TotalSeconds:0}s worker{slot + 1} exited by itself with code {exited.ExitCode} (log {Path.GetFileName(exited.LogPath)}); restarted");
                await exited.DisposeAsync();
                lock (_gate)
                    _exits.Add(what);
                progress(what);
                Start(slot);
            }
        }
    }

    /// <summary>Stops every running worker gracefully (SIGTERM) at once, killing any that is not gone within <paramref name="grace"/>.</summary>
    public async Task StopAllAsync(TimeSpan grace)
    {
        var running = new List<(int Slot, WorkerProcess Worker)>();
        lock (_gate)
        {
            for (var slot = 0; slot < Count; slot++)
            {
                if (_workers[slot] is { } worker)
                    running.Add((slot, worker));
                _workers[slot] = null;
            }
        }

        await Task.WhenAll(running.Select(async r =>
        {
            if (!await r.Worker.StopAsync(grace))
            {
                lock (_gate)
                    _notStopped.Add($"worker{r.Slot + 1} (log {Path.GetFileName(r.Worker.LogPath)})");
            }

            await r.Worker.DisposeAsync();
        }));
    }

    public bool IsRunning(int slot)
    {
        lock (_gate)
            return _workers[slot] is { HasExited: false };
    }

    string LogPath(int slot, int start) => Path.Combine(logDirectory, $"worker{slot + 1}.{start}.log");

    /// <summary>Stops the running workers gracefully (SIGTERM, bounded), as a deployment would at the end.</summary>
    public async ValueTask DisposeAsync() => await StopAllAsync(TimeSpan.FromSeconds(10));
}
