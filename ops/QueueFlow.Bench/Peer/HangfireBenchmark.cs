using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Hangfire;
using Npgsql;
using QueueFlow.Bench.Driving;
using QueueFlow.Bench.Reporting;

namespace QueueFlow.Bench.Peer;

/// <summary>
/// The same workload as QueueFlow's run, through Hangfire.Core + Hangfire.PostgreSql on the same PostgreSQL
/// server (in a database of its own): chains of <see cref="BenchOptions.TasksPerJob"/> steps, each step a
/// background job that enqueues the next, started as QueueFlow's jobs are (same warm-up, count, concurrency
/// or rate), with the Hangfire server in a child process as QueueFlow's worker is.
/// </summary>
internal sealed class HangfireBenchmark(BenchOptions options, string connectionString, Action<string> progress)
{
    public const string Name = "hangfire";

    static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    readonly ConcurrentDictionary<Guid, ChainProgress> _chains = new();
    readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly string _runId = Guid.NewGuid().ToString("N")[..8];

    /// <summary>Hangfire's own default for this machine (five per core, at most twenty): the jobs are short and wait on PostgreSQL.</summary>
    public static int DefaultWorkers => Math.Min(20, Environment.ProcessorCount * 5);

    public async Task<PeerResult> RunAsync(CancellationToken cancellationToken)
    {
        // Creating the storage installs Hangfire's schema, before the server starts.
        var client = new BackgroundJobClient(HangfireStorageFactory.Create(connectionString));
        var environment = new Dictionary<string, string>
        {
            [HangfireStorageFactory.ConnectionVariable] = connectionString,
            ["DOTNET_ENVIRONMENT"] = "Production",
        };
        var logPath = Path.Combine(Path.GetTempPath(), $"queueflow-bench-{_runId}-hangfire.log");
        var arguments = new[] { "hangfire-server", "--workers", options.PeerWorkers.ToString(CultureInfo.InvariantCulture) };
        await using var server = WorkerProcess.Start(Path.Combine(AppContext.BaseDirectory, "QueueFlow.Bench.dll"), environment, logPath, arguments, OnServerLine);
        await WaitUntilReadyAsync(server, cancellationToken);
        progress($"started the Hangfire server: pid {server.Id}, {options.PeerWorkers} workers; log {logPath}");

        if (options.WarmupJobs is { } warmupJobs and > 0)
        {
            progress($"Hangfire warm-up: {warmupJobs} chains, {options.Concurrency} in flight (not measured)");
            var warmup = await RunChainsAsync(new Launcher(options.Concurrency, rate: null), client, warmupJobs, measured: false, cancellationToken);
            if (warmup.TimedOut)
                throw new TimeoutException($"the Hangfire warm-up chains did not all finish within {options.Timeout.TotalSeconds:0}s; server log tail:\n{server.LogTail(40)}");
        }

        progress($"Hangfire: {options.Jobs} chains × {options.TasksPerJob} steps, {(options.Rate is { } rate ? $"paced at {rate:0.#} chains/s" : $"{options.Concurrency} in flight")}");
        var cpuBefore = CpuSplit.Read(server.CpuTime(), DriverCpu());
        var run = await RunChainsAsync(new Launcher(options.Concurrency, options.Rate), client, options.Jobs, measured: true, cancellationToken);
        var cpu = CpuSplit.Read(server.CpuTime(), DriverCpu()) - cpuBefore;
        var memory = new WorkerMemory([server.PeakResidentBytes() ?? 0], [server.ResidentBytes() ?? 0]);
        if (server.HasExited)
            progress($"the Hangfire server exited during the run; log tail:\n{server.LogTail(40)}");

        var measured = _chains.Values.Where(c => c.Measured).ToList();
        return new PeerResult
        {
            Name = "Hangfire",
            Versions = $"Hangfire.Core {Version(typeof(BackgroundJob))}, Hangfire.PostgreSql {Version(typeof(Hangfire.PostgreSql.PostgreSqlStorage))}",
            Workers = options.PeerWorkers,
            Chains = measured.Count,
            ChainsFinished = measured.Count(c => c.Finished.IsCompletedSuccessfully),
            Completions = measured.Sum(c => (long)c.StepsAt.Count),
            Elapsed = run.Elapsed,
            TimedOut = run.TimedOut,
            StepWait = LatencySummary.Of(measured.SelectMany(c => c.WaitMilliseconds)),
            Quarters = QuarterRates.Of(measured.SelectMany(c => c.StepsAt), run.StartedAt, run.Elapsed),
            Cpu = cpu,
            ServerMemory = memory,
            Succeeded = await CountSucceededAsync(cancellationToken),
            Expected = (long)_chains.Count * options.TasksPerJob,
        };
    }

    Task<LaunchResult> RunChainsAsync(Launcher launcher, BackgroundJobClient client, int count, bool measured, CancellationToken cancellationToken) =>
        launcher.RunAsync(count, _ =>
        {
            var chain = Guid.CreateVersion7();
            var steps = options.TasksPerJob;
            var chainProgress = new ChainProgress(measured);
            _chains[chain] = chainProgress;
            client.Enqueue(() => HangfireChainStep.Run(chain, 1, steps, 0L));
            return Task.FromResult(chainProgress.Finished);
        }, options.Timeout, cancellationToken);

    /// <summary>Reads the server's reports: "ready", "step CHAIN WAITED-MS|-", "done CHAIN". Other lines only go to the log.</summary>
    void OnServerLine(string line)
    {
        var at = Stopwatch.GetTimestamp();
        var parts = line.Split(' ');
        if (parts is ["ready"])
            _ready.TrySetResult();
        else if (parts is ["step", var id, var waited] && Guid.TryParse(id, out var chain) && _chains.TryGetValue(chain, out var stepped))
            stepped.Stepped(waited == "-" ? null : double.Parse(waited, CultureInfo.InvariantCulture), at);
        else if (parts is ["done", var doneId] && Guid.TryParse(doneId, out var done) && _chains.TryGetValue(done, out var finished))
            finished.Finish(at);
    }

    async Task WaitUntilReadyAsync(WorkerProcess server, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (!_ready.Task.IsCompleted)
        {
            if (server.HasExited)
                throw new InvalidOperationException($"the Hangfire server exited while starting; log tail:\n{server.LogTail(40)}");
            if (Stopwatch.GetElapsedTime(started) > ReadyTimeout)
                throw new TimeoutException($"the Hangfire server was not ready within {ReadyTimeout.TotalSeconds:0}s; log tail:\n{server.LogTail(40)}");
            await Task.WhenAny(_ready.Task, Task.Delay(100, cancellationToken));
        }
    }

    async Task<long> CountSucceededAsync(CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM hangfire.job WHERE statename = 'Succeeded'");
        return (long)(await command.ExecuteScalarAsync(cancellationToken) ?? 0L);
    }

    static string Version(Type type) => type.Assembly.GetName().Version?.ToString(3) ?? "?";

    static TimeSpan DriverCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }
}
