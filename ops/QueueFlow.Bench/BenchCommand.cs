using System.CommandLine;
using QueueFlow.Bench.Peer;
using QueueFlow.Bench.Queries;
using QueueFlow.Bench.Services;

namespace QueueFlow.Bench;

/// <summary>The <c>ops/bench</c> command line.</summary>
internal static class BenchCommand
{
    public static RootCommand Create()
    {
        var jobs = Positive("--jobs", 500, "Jobs measured.");
        var tasks = Positive("--tasks-per-job", 10, "Tasks per job, one after another.");
        var concurrency = Positive("--concurrency", 64, "Jobs in flight at once.");
        var instances = Positive("--instances", 1, "QueueFlow worker processes, competing for the jobs queue.");
        var warmup = new Option<int?>("--warmup-jobs")
        {
            Description = "Jobs run first and not measured. Default: rounds of five times --concurrency jobs until the workers' JIT " +
                "and their rate have settled (two rounds running with the JIT under 10 % of a core per process and the rate up by at most 10 %; at most " +
                "5 minutes); a number runs exactly that many jobs instead.",
        };
        var ceilingMessages = Positive("--ceiling-messages", 20_000, "Messages (RabbitMQ) and transactions (PostgreSQL) of each raw ceiling loop, and steps of the step floor.");
        var skipCeiling = new Option<bool>("--skip-ceiling") { Description = "Do not measure the raw ceilings." };
        var skipQueueFlow = new Option<bool>("--skip-queueflow") { Description = "Measure only the raw ceilings." };
        var timeout = Positive("--timeout", 150, "Seconds the measured jobs may take before the run is reported as timed out.");
        var workerDll = new Option<FileInfo>("--worker-dll") { Description = "The worker to run as child process(es); ops/bench builds it.", DefaultValueFactory = _ => new FileInfo(DefaultWorkerDll()) };
        var keepJobs = new Option<bool>("--keep-jobs") { Description = "Keep the run's jobs and workflow in the database instead of deleting them." };
        var queries = new Option<bool>("--queries") { Description = "Instead of driving jobs: load --query-jobs jobs into the empty bench database and time every list query of the HTTP API, first page and deep page, with its plan." };
        var queryJobs = Positive("--query-jobs", 1_000_000, "Jobs (three tasks each) the query bench loads.");
        var rate = new Option<double?>("--rate") { Description = "Start new jobs at this many per second, whatever is in flight (instead of keeping --concurrency in flight), to measure latency at a given load: half of the peak is half the jobs/s of a default run (completions/s ÷ --tasks-per-job). The warm-up stays at --concurrency." };
        var peer = new Option<string>("--peer") { Description = "The peer driven through the same workload after QueueFlow, on the same PostgreSQL server: hangfire (Hangfire.Core + Hangfire.PostgreSql) or none.", DefaultValueFactory = _ => "none" };
        peer.AcceptOnlyFromAmong(HangfireBenchmark.Name, "none");
        var peerWorkers = Positive("--peer-workers", HangfireBenchmark.DefaultWorkers, "Worker threads of the peer's server process (default: Hangfire's own default for this machine).");

        var command = new RootCommand(
            "Drives jobs through QueueFlow and prints completions/s, completion → next dispatch latency and the worker's peak memory, " +
            "beside the raw RabbitMQ and PostgreSQL ceilings of this machine.")
        {
            jobs, tasks, concurrency, instances, warmup, ceilingMessages, skipCeiling, skipQueueFlow, timeout, workerDll, keepJobs, queries, queryJobs, rate, peer, peerWorkers,
            HangfireServerCommand(),
        };
        warmup.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() < 0)
                r.AddError("--warmup-jobs must be 0 or more");
        });
        rate.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double?>() is { } perSecond && (perSecond <= 0 || !double.IsFinite(perSecond)))
                r.AddError("--rate must be a number of jobs per second above 0");
        });

        command.SetAction((parse, cancellationToken) =>
        {
            if (parse.GetValue(queries))
                return new QueryBenchmark(parse.GetValue(queryJobs), ServiceSettings.FromEnvironment()).RunAsync(cancellationToken);

            var options = new BenchOptions
            {
                Jobs = parse.GetValue(jobs),
                TasksPerJob = parse.GetValue(tasks),
                Concurrency = parse.GetValue(concurrency),
                Instances = parse.GetValue(instances),
                WarmupJobs = parse.GetValue(warmup),
                CeilingMessages = parse.GetValue(ceilingMessages),
                SkipCeiling = parse.GetValue(skipCeiling),
                SkipQueueFlow = parse.GetValue(skipQueueFlow),
                Timeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
                WorkerDll = parse.GetValue(workerDll)!.FullName,
                KeepJobs = parse.GetValue(keepJobs),
                Rate = parse.GetValue(rate),
                Peer = parse.GetValue(peer) is { } name && name != "none" ? name : null,
                PeerWorkers = parse.GetValue(peerWorkers),
            };
            var commandLine = string.Join(' ', parse.Tokens.Select(t => t.Value).Prepend("ops/bench"));
            return new BenchRun(options, commandLine).RunAsync(cancellationToken);
        });
        return command;
    }

    /// <summary>The peer's server, started by the bench as its own child process; not meant to be run by hand.</summary>
    static Command HangfireServerCommand()
    {
        var workers = Positive("--workers", HangfireBenchmark.DefaultWorkers, "Worker threads.");
        var command = new Command("hangfire-server", "Runs the Hangfire server of `ops/bench --peer hangfire` (started by the bench).") { workers };
        command.Hidden = true;
        command.SetAction((parse, cancellationToken) => HangfireServer.RunAsync(parse.GetValue(workers), cancellationToken));
        return command;
    }

    static Option<int> Positive(string name, int fallback, string description)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => fallback };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
                r.AddError($"{name} must be at least 1");
        });
        return option;
    }

    /// <summary>
    /// The worker's own build output, same configuration as the bench: the repository root is found
    /// from the bench's location, so the command works from any directory.
    /// </summary>
    static string DefaultWorkerDll()
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "QueueFlow.sln")))
            directory = directory.Parent;
        var root = directory?.FullName ?? Directory.GetCurrentDirectory();
        return Path.Combine(root, "src", "QueueFlow.Worker", "bin", configuration, "net10.0", "QueueFlow.Worker.dll");
    }
}
