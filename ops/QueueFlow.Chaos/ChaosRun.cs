using System.Diagnostics;
using System.Globalization;
using Npgsql;
using QueueFlow.Bench.Services;

namespace QueueFlow.Chaos;

/// <summary>
/// One chaos run: two workers, a steady load of chaos jobs, the seeded faults meanwhile, then (once the
/// last fault is over) a bounded wait for every job to end and the backlog to drain, and the ledger, read
/// once every process that could still change something has stopped. Exit code 0 only when every
/// must-be-zero line of the ledger is zero and every job ended in time.
/// </summary>
internal sealed class ChaosRun(ChaosOptions options)
{
    const double DoomedShare = 0.05;
    static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);
    static readonly TimeSpan QuietFor = TimeSpan.FromSeconds(3);

    // No less backlog for this long means something hangs: the settle gives up before its deadline. Longer than
    // anything QueueFlow waits for by design (Quartz taking over a dead instance's timers, the outbox's longest
    // backoff, a timer's send timeout), so a slow recovery is never taken for a hang.
    static readonly TimeSpan StallAfter = TimeSpan.FromSeconds(90);
    static readonly TimeSpan SettleReportEvery = TimeSpan.FromSeconds(10);
    static readonly TimeSpan WorkerStopGrace = TimeSpan.FromSeconds(20);
    static readonly int[] HttpPorts = [15091, 15092];

    readonly ServiceSettings _settings = ServiceSettings.FromEnvironment();
    readonly ChaosRecords _records = new();
    readonly long _started = Stopwatch.GetTimestamp();

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var schedule = FaultSchedule.Create(options.Seed, options.Duration, options.Short);
        Progress($"seed {options.Seed}, {options.Duration.TotalMinutes:0.##} min of load at {options.JobsPerSecond:0.#} jobs/s, {schedule.Count} faults " +
                 $"({schedule.Count(f => f.Kind == FaultKind.WorkerKill) + (WorkerSupervisor.Count * schedule.Count(f => f.Kind == FaultKind.AllWorkersDown))} worker kills)");
        foreach (var fault in schedule)
            Progress($"  scheduled {fault}");

        var logs = Directory.CreateTempSubdirectory($"queueflow-chaos-{options.Seed}-").FullName;
        var workflows = Directory.CreateDirectory(Path.Combine(logs, "workflows")).FullName;
        await File.WriteAllTextAsync(Path.Combine(workflows, "chaos.json"), ChaosWorkflow.Definition(), cancellationToken);

        await using var broker = await ConnectAsync(cancellationToken);
        var dataSource = _settings.CreateDataSource(maxPoolSize: 4);
        await using var dataSourceScope = dataSource;
        await using var workers = new WorkerSupervisor(options.WorkerDll, WorkerEnvironment(workflows), HttpPorts, logs);
        workers.StartAll();
        await WaitUntilConsumingAsync(broker, cancellationToken);
        Progress($"both workers consume {ChaosBroker.JobsQueue}; logs in {logs}");

        // The schedule's clock starts with the load, once both workers are up (starting them takes a while on a busy
        // machine); fault times, dispatch seconds and health changes are all counted from it.
        var loadStarted = Stopwatch.GetTimestamp();
        using var stopSupervising = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var supervising = workers.WatchAsync(loadStarted, Progress, stopSupervising.Token);
        await using var taskWorkers = new SimulatedTaskWorkers(broker, _records, options.Seed, Progress, loadStarted);
        await taskWorkers.StartAsync(cancellationToken);
        using var healthWatcher = new HealthWatcher(HttpPorts, loadStarted, Progress);
        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watching = healthWatcher.RunAsync(stopWatching.Token);

        var injector = new FaultInjector(workers, options.FaultScript, Progress);
        var faults = injector.RunAsync(schedule, loadStarted, cancellationToken);
        var load = LoadAsync(broker, loadStarted, cancellationToken);
        await Task.WhenAll(faults, load);
        var lastFaultOver = Stopwatch.GetElapsedTime(_started);
        workers.StartAll();
        Progress($"load and faults over: {_records.Jobs.Count} jobs started; waiting for every job to end and the backlog to drain " +
                 $"(at most {options.SettleTimeout.TotalSeconds:0}s, or {StallAfter.TotalSeconds:0}s without progress)");

        var settled = await SettleAsync(broker, dataSource, taskWorkers, cancellationToken);
        var settleTime = Stopwatch.GetElapsedTime(_started) - lastFaultOver;

        if (!settled)
            await StuckReport.PrintAsync(dataSource, workers.LogPaths, workers.Running, logs, cancellationToken);

        // Everything that could still move a message stops before anything is counted, so what is left in a
        // queue, the outbox or the database is where it stays: the ledger can tell "still queued" from "lost".
        Progress(settled ? "settled; stopping the task workers and the workers" : "NOT settled; stopping the task workers and the workers, then counting what is left");
        await taskWorkers.StopAsync();
        await stopSupervising.CancelAsync();
        await supervising.ContinueWith(_ => { }, TaskScheduler.Default);
        await workers.StopAllAsync(WorkerStopGrace);
        await stopWatching.CancelAsync();
        await watching.ContinueWith(_ => { }, TaskScheduler.Default);

        var database = await DatabaseView.ReadAsync(dataSource, cancellationToken);
        Backlog backlog;
        try
        {
            backlog = await Backlog.ReadAsync(broker, dataSource, cancellationToken);
        }
        catch (Exception exception) when (ChaosBroker.IsOutage(exception))
        {
            // The broker is not back: nothing can be found in its queues, so what is not done counts as lost.
            Progress($"the queues could not be read ({exception.GetType().Name}: {exception.Message}); whatever is not done counts as lost");
            backlog = new Backlog();
        }

        var errorQueues = await ErrorQueueMessagesAsync(broker, cancellationToken);
        var lines = Ledger.Build(_records, database, backlog, errorQueues, settled);
        var failed = lines.Where(l => l.Failed).ToList();

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"QueueFlow chaos ledger: seed {options.Seed}, {options.Duration.TotalMinutes:0.##} min, {Environment.ProcessorCount} cores, " +
            $"{injector.Done.Count} faults ({workers.Kills} worker kills), ") +
            (settled
                ? string.Create(CultureInfo.InvariantCulture, $"every job final and the backlog drained {settleTime.TotalSeconds:0}s after the last fault")
                : string.Create(CultureInfo.InvariantCulture, $"NOT SETTLED {settleTime.TotalSeconds:0}s after the last fault: {backlog.JobsQueueMessages:N0} messages queued for QueueFlow, {backlog.TaskQueueMessages:N0} RunTasks queued, {backlog.OutboxRows:N0} outbox rows")));
        Console.WriteLine();
        Console.Write(Ledger.Render(lines, database.DeadLetters));
        Console.WriteLine();
        Console.Write(FaultImpact.Render(injector.Done, _records, database));
        if (healthWatcher.Changes.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("Worker /health as a probe saw it (changes only):");
            foreach (var change in healthWatcher.Changes)
                Console.WriteLine("  " + change);
        }

        Console.WriteLine();
        Console.WriteLine($"Worker processes that exited by themselves (restarted a second later, as a process manager would): {workers.Exits.Count}");
        foreach (var exit in workers.Exits)
            Console.WriteLine("  " + exit);
        foreach (var worker in workers.NotStopped)
            Console.WriteLine($"  {worker} did not stop within {WorkerStopGrace.TotalSeconds:0}s of SIGTERM at the end and was killed");

        Console.WriteLine();
        var problems = injector.Done.Where(f => f.Problem is not null).ToList();
        foreach (var problem in problems)
            Console.WriteLine($"fault {problem.Fault} could not be injected: {problem.Problem}");
        var ok = failed.Count == 0 && settled && problems.Count == 0;
        Console.WriteLine(ok
            ? "chaos: OK: nothing lost, nothing applied twice, nothing stuck"
            : $"chaos: FAILED: {string.Join("; ", failed.Select(l => $"{l.Section} {l.What}: {l.Count}"))}{(settled ? string.Empty : "; not settled: jobs still running or work still queued when the settle ended")}");
        return ok ? 0 : 1;
    }

    /// <summary>StartJob at a steady pace; each is sent until the broker confirms it, so an outage delays jobs, never drops them.</summary>
    async Task LoadAsync(ChaosBroker broker, long loadStarted, CancellationToken cancellationToken)
    {
        var random = new Random(options.Seed ^ 0x5eed);
        for (var i = 0; ; i++)
        {
            var due = TimeSpan.FromSeconds(i / options.JobsPerSecond);
            if (due >= options.Duration)
                return;
            var wait = due - Stopwatch.GetElapsedTime(loadStarted);
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait, cancellationToken);

            var jobId = Guid.CreateVersion7();
            var doomed = random.NextDouble() < DoomedShare;
            var start = new JobStart(doomed, DateTimeOffset.UtcNow);

            // Known before it is sent: its first RunTask may come back before the confirm does.
            _records.Jobs[jobId] = start;
            try
            {
                await broker.SendAsync("StartJob", $$"""{ "jobId": "{{jobId}}", "workflow": "{{ChaosWorkflow.Name}}", "variables": { "doomed": {{(doomed ? "true" : "false")}} } }""", cancellationToken);
            }
            catch (OperationCanceledException)
            {
                _records.Jobs.TryRemove(jobId, out _);
                throw;
            }
        }
    }

    /// <summary>
    /// Waits for every job to be final, then for quiet: nothing in flight at the simulated workers, nothing
    /// queued for QueueFlow or for the task workers, the outbox empty, so late and duplicate answers have been
    /// answered too. Gives up at the settle deadline, or sooner when the backlog has not shrunk for
    /// <see cref="StallAfter"/> (a hang, not a slow machine: a backlog that drains keeps the wait going).
    /// </summary>
    async Task<bool> SettleAsync(ChaosBroker broker, NpgsqlDataSource dataSource, SimulatedTaskWorkers taskWorkers, CancellationToken cancellationToken)
    {
        var began = Stopwatch.GetTimestamp();
        long quietSince = 0, lastProgress = began, lastReport = began;
        var smallest = long.MaxValue;
        while (Stopwatch.GetElapsedTime(began) < options.SettleTimeout)
        {
            await Task.Delay(1000, cancellationToken);
            try
            {
                var (unfinished, outbox) = await DatabaseView.PendingAsync(dataSource, cancellationToken);
                var jobsQueue = await broker.InspectAsync(ChaosBroker.JobsQueue, cancellationToken);
                var taskQueue = await broker.InspectAsync(ChaosWorkflow.TaskQueue, cancellationToken);
                var inFlight = taskWorkers.InFlight;
                var backlog = unfinished + outbox + inFlight + (jobsQueue?.Messages ?? 0) + (taskQueue?.Messages ?? 0);
                if (backlog < smallest)
                {
                    smallest = backlog;
                    lastProgress = Stopwatch.GetTimestamp();
                }

                if (Stopwatch.GetElapsedTime(lastReport) >= SettleReportEvery)
                {
                    lastReport = Stopwatch.GetTimestamp();
                    Progress($"settling: {unfinished} jobs not final, {Count(jobsQueue)} queued for QueueFlow, {Count(taskQueue)} RunTasks queued, {outbox} outbox rows, {inFlight} answers in flight");
                }

                if (Stopwatch.GetElapsedTime(lastProgress) >= StallAfter)
                {
                    Progress($"the backlog ({backlog}) has not shrunk for {StallAfter.TotalSeconds:0}s: giving up the settle");
                    return false;
                }

                var quiet = backlog == 0 && jobsQueue is not null && taskQueue is not null;
                if (!quiet)
                {
                    quietSince = 0;
                    continue;
                }

                quietSince = quietSince == 0 ? Stopwatch.GetTimestamp() : quietSince;
                if (Stopwatch.GetElapsedTime(quietSince) >= QuietFor)
                    return true;
            }
            catch (NpgsqlException)
            {
                quietSince = 0;
            }
        }

        return false;

        static string Count((uint Consumers, uint Messages)? queue) => queue?.Messages.ToString(CultureInfo.InvariantCulture) ?? "?";
    }

    async Task<ChaosBroker> ConnectAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(ReadyTimeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            try
            {
                return await ChaosBroker.ConnectAsync(_settings.RabbitHost, _settings.RabbitPort, _settings.RabbitUsername, _settings.RabbitPassword, cancellationToken);
            }
            catch (Exception exception) when (ChaosBroker.IsOutage(exception) && Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(1000, cancellationToken);
            }
        }
    }

    static async Task WaitUntilConsumingAsync(ChaosBroker broker, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(ReadyTimeout.TotalSeconds * Stopwatch.Frequency);
        while ((await broker.InspectAsync(ChaosBroker.JobsQueue, cancellationToken))?.Consumers is not >= WorkerSupervisor.Count)
        {
            if (Stopwatch.GetTimestamp() > deadline)
                throw new TimeoutException($"the workers did not consume {ChaosBroker.JobsQueue} within {ReadyTimeout.TotalSeconds:0}s");
            await Task.Delay(250, cancellationToken);
        }
    }

    static async Task<uint> ErrorQueueMessagesAsync(ChaosBroker broker, CancellationToken cancellationToken)
    {
        uint total = 0;
        foreach (var queue in new[] { ChaosBroker.JobsQueue + "_error", "queueflow-workflows_error" })
            total += (await broker.InspectAsync(queue, cancellationToken))?.Messages ?? 0;
        return total;
    }

    Dictionary<string, string> WorkerEnvironment(string workflows)
    {
        var environment = _settings.WorkerEnvironment().ToDictionary();
        environment["Workflows__Directory"] = workflows;
        environment["DOTNET_ENVIRONMENT"] = "Production";
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";

        // Warnings and errors only: what an operator's alerting would look at, and a 30-minute run's logs stay small.
        environment["Logging__LogLevel__Default"] = "Warning";

        // Quartz says at Information when and why its scheduler starts, stands by or shuts down.
        environment["Logging__LogLevel__Quartz"] = "Information";
        return environment;
    }

    void Progress(string message) =>
        Console.Error.WriteLine($"[chaos +{Stopwatch.GetElapsedTime(_started).TotalSeconds,6:0.0}s] {message}");
}
