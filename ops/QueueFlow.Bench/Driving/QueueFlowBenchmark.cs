using System.Diagnostics;
using QueueFlow.Bench.Reporting;
using QueueFlow.Bench.Services;

namespace QueueFlow.Bench.Driving;

/// <summary>
/// Drives jobs of a sequential chain through real QueueFlow worker processes on the bench's own queues
/// (never a dev worker's), keeping at most <see cref="BenchOptions.Concurrency"/> jobs in flight, and
/// measures throughput, per-hop latency and the workers' peak memory, then checks the database.
/// </summary>
internal sealed class QueueFlowBenchmark(BenchOptions options, ServiceSettings settings, Action<string> progress)
{
    public const string JobsQueue = "queueflow-bench-jobs";
    public const string WorkflowsQueue = "queueflow-bench-workflows";
    const string ErrorQueue = JobsQueue + "_error";

    static readonly TimeSpan RegisterTimeout = TimeSpan.FromSeconds(30);

    readonly string _runId = Guid.NewGuid().ToString("N")[..8];
    readonly JobBoard _board = new();

    public string Workflow => $"bench-chain{options.TasksPerJob}-{_runId}";
    string TaskQueue => $"queueflow-bench-tasks-{_runId}";
    string ReplyQueue => $"queueflow-bench-replies-{_runId}";

    public async Task<QueueFlowResult> RunAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(options.WorkerDll))
            throw new FileNotFoundException($"the worker is not built at {options.WorkerDll} (dotnet build -c Release, or pass --worker-dll)");

        await using var broker = await BenchBroker.ConnectAsync(settings, cancellationToken);
        foreach (var queue in new[] { JobsQueue, WorkflowsQueue, ErrorQueue, WorkflowsQueue + "_error" })
            await broker.PurgeIfPresentAsync(queue, cancellationToken);

        try
        {
            await using var fleet = WorkerFleet.Start(options.Instances, options.WorkerDll, WorkerEnvironment(), _runId);
            progress($"started {options.Instances} worker process(es): pid {string.Join(", ", fleet.Workers.Select(w => w.Id))}; logs {fleet.LogPaths[0]}");
            await fleet.WaitUntilConsumingAsync(broker, [JobsQueue, WorkflowsQueue], cancellationToken);

            var version = await new WorkflowRegistrar(broker, WorkflowsQueue)
                .RegisterAsync(WorkflowRegistrar.Chain(Workflow, TaskQueue, options.TasksPerJob), ReplyQueue, RegisterTimeout, cancellationToken);
            progress($"registered workflow {Workflow} v{version}: {options.TasksPerJob} tasks in a chain on queue {TaskQueue}");

            await using var simulator = new TaskWorkerSimulator(broker, _board, JobsQueue);
            await simulator.StartAsync(TaskQueue, cancellationToken);
            await using var listener = new JobEndListener(broker, _board);
            await listener.StartAsync(cancellationToken);
            var driver = new JobDriver(broker, _board, JobsQueue, Workflow, _runId);
            var dataSource = settings.CreateDataSource(maxPoolSize: 4);
            await using var dataSourceScope = dataSource;

            // Closed-loop even when the measured run is paced: warming up only needs the code paths hot.
            var warmup = await new Warmup(driver, fleet, options, progress).RunAsync(cancellationToken);

            await TableStatistics.RefreshAsync(dataSource, cancellationToken);

            var pace = options.Rate is { } rate ? $"paced at {rate:0.#} jobs/s" : $"{options.Concurrency} in flight";
            progress($"measuring: {options.Jobs} jobs × {options.TasksPerJob} tasks, {pace}, {options.Instances} instance(s)");
            var sizesBefore = await TableSizes.ReadAsync(dataSource, cancellationToken);
            var walBefore = await WalVolume.ReadAsync(dataSource, cancellationToken);
            var statementsBefore = await StatementTimes.ReadAsync(dataSource, cancellationToken);
            var metricsBefore = await WorkerMetrics.ScrapeAsync(fleet.Addresses, cancellationToken);
            var phasesBefore = metricsBefore is null ? null : MessagePhaseTimes.Sum(metricsBefore);
            var jitBefore = metricsBefore is null ? null : JitTime.Sum(metricsBefore);
            var groupsBefore = metricsBefore is null ? null : GroupSizes.Sum(metricsBefore);
            var gcBefore = metricsBefore is null ? null : GcActivity.Sum(metricsBefore);
            var switchesBefore = ContextSwitches.Read();
            var cpuBefore = CpuSplit.Read(fleet.CpuTime(), DriverCpu());
            var run = await driver.RunAsync(new Launcher(options.Concurrency, options.Rate), options.Jobs, measured: true, options.Timeout, cancellationToken);
            var cpu = CpuSplit.Read(fleet.CpuTime(), DriverCpu()) - cpuBefore;
            var switchesAfter = ContextSwitches.Read();
            var memory = new WorkerMemory(fleet.PeakResidentBytes(), fleet.ResidentBytes());
            var walAfter = await WalVolume.ReadAsync(dataSource, cancellationToken);
            var statementsAfter = await StatementTimes.ReadAsync(dataSource, cancellationToken);
            var metricsAfter = await WorkerMetrics.ScrapeAsync(fleet.Addresses, cancellationToken);
            var phasesAfter = metricsAfter is null ? null : MessagePhaseTimes.Sum(metricsAfter);
            var jitAfter = metricsAfter is null ? null : JitTime.Sum(metricsAfter);
            var groupsAfter = metricsAfter is null ? null : GroupSizes.Sum(metricsAfter);
            var gcAfter = metricsAfter is null ? null : GcActivity.Sum(metricsAfter);
            var sizesAfter = await TableSizes.ReadAsync(dataSource, cancellationToken);
            if (fleet.FirstExited() is { } exited)
                progress($"worker process {exited.Id} exited during the run; log tail:\n{exited.LogTail(40)}");

            var store = new JobStore(dataSource);
            var verification = await store.VerifyAsync(_board.AllIds, cancellationToken);
            var deadLettered = (await broker.InspectAsync(ErrorQueue, cancellationToken))?.Messages ?? 0;
            var logs = WorkerLogSummary.Read(fleet.LogPaths);
            var result = Summarize(run, cpu, memory, verification, deadLettered, logs, broker.Disconnects) with
            {
                TablesBefore = sizesBefore,
                TablesAfter = sizesAfter,
                Wal = walAfter is not null && walBefore is not null ? walAfter - walBefore : null,
                Statements = statementsAfter is not null && statementsBefore is not null ? StatementTimes.Between(statementsBefore, statementsAfter) : null,
                Phases = phasesAfter is not null && phasesBefore is not null ? MessagePhaseTimes.Between(phasesBefore, phasesAfter) : null,
                Warmup = warmup,
                Jit = jitAfter is not null && jitBefore is not null ? jitAfter - jitBefore : null,
                Groups = groupsAfter is not null && groupsBefore is not null ? groupsAfter - groupsBefore : null,
                Gc = gcAfter is not null && gcBefore is not null ? gcAfter - gcBefore : null,
                ContextSwitches = switchesAfter - switchesBefore,
            };
            if (!options.KeepJobs)
                await store.DeleteAsync(_board.AllIds, Workflow, cancellationToken);
            return result;
        }
        finally
        {
            await broker.DeleteQueueAndExchangeAsync(TaskQueue);
            await broker.DeleteQueueAndExchangeAsync(ReplyQueue);
        }
    }

    static TimeSpan DriverCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    Dictionary<string, string> WorkerEnvironment()
    {
        var environment = settings.WorkerEnvironment().ToDictionary();
        environment["Endpoints__JobsQueue"] = JobsQueue;
        environment["Endpoints__WorkflowsQueue"] = WorkflowsQueue;
        environment["DOTNET_ENVIRONMENT"] = "Production";
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";

        // Each instance's own port is added by WorkerFleet.
        environment["Logging__LogLevel__Default"] = "Warning";
        return environment;
    }

    QueueFlowResult Summarize(LaunchResult run, CpuSplit cpu, WorkerMemory memory,
        JobVerification verification, uint deadLettered, WorkerLogSummary logs, int driverDisconnects)
    {
        var measured = _board.Measured;
        var finished = measured.Where(j => j.FinishedAt != 0).ToList();
        return new QueueFlowResult
        {
            Jobs = measured.Count,
            JobsFinished = finished.Count,
            Completions = measured.Sum(j => (long)(j.Answers - j.DuplicateDispatches)),
            Elapsed = run.Elapsed,
            TimedOut = run.TimedOut,
            Quarters = QuarterRates.Of(measured.SelectMany(j => j.AnsweredAt), run.StartedAt, run.Elapsed),
            Hop = LatencySummary.Of(measured.SelectMany(j => j.HopMilliseconds)),
            Start = LatencySummary.Of(measured.Where(j => j.FirstDispatchAt != 0).Select(j => Stopwatch.GetElapsedTime(j.StartPublishedAt, j.FirstDispatchAt).TotalMilliseconds)),
            EndToEnd = LatencySummary.Of(finished.Select(j => Stopwatch.GetElapsedTime(j.StartPublishedAt, j.FinishedAt).TotalMilliseconds)),
            WorkerMemory = memory,
            Verification = verification,
            DuplicateDispatches = measured.Sum(j => (long)j.DuplicateDispatches),
            UnknownDispatches = _board.UnknownDispatches,
            DeadLettered = deadLettered,
            Cpu = cpu,
            WorkerLogs = logs,
            DriverDisconnects = driverDisconnects,
        };
    }
}
