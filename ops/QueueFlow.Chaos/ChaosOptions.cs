using System.Globalization;

namespace QueueFlow.Chaos;

/// <summary>
/// The command line of <c>ops/chaos</c>: a seed makes the fault schedule and the simulated workers' choices
/// replayable; <c>--short</c> is the CI version (one fault of each kind, a few hundred jobs).
/// </summary>
internal sealed record ChaosOptions(int Seed, TimeSpan Duration, double JobsPerSecond, bool Short, string WorkerDll, string FaultScript, TimeSpan SettleTimeout)
{
    public static ChaosOptions? Parse(string[] args)
    {
        int? seed = null;
        double? minutes = null;
        double? rate = null;
        double? settle = null;
        var isShort = false;
        var workerDll = Path.Combine(AppContext.BaseDirectory, "QueueFlow.Worker.dll");
        var faultScript = Path.Combine(RepoRoot(), "ops", "chaos-fault");
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--seed": seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--duration": minutes = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--rate": rate = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--short": isShort = true; break;
                case "--settle": settle = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--worker-dll": workerDll = Next(); break;
                case "--fault-script": faultScript = Next(); break;
                case "-h" or "--help":
                    Console.WriteLine("ops/chaos [--seed N] [--duration MINUTES] [--rate JOBS_PER_SECOND] [--settle SECONDS] [--short]");
                    return null;
                default:
                    Console.Error.WriteLine($"unknown argument {args[i]} (see --help)");
                    return null;
            }
        }

        // A rate two cores carry with room to spare while faults pile work up (a quiet 2-core machine completes
        // about 230 tasks/s; a job here is about 5 answers and 4-5 dispatches, so 2 jobs/s is about 10 completions/s),
        // and a backlog a fault leaves behind drains within the settle time even on a busy machine.
        // The short run (CI): 75 s of load at 3 jobs/s is 225 jobs, then the settle, which ends as soon as all is quiet.
        var duration = TimeSpan.FromMinutes(minutes ?? (isShort ? 1.25 : 30));
        return new ChaosOptions(
            seed ?? Random.Shared.Next(1, 1_000_000),
            duration,
            rate ?? (isShort ? 3 : 2),
            isShort,
            workerDll,
            faultScript,
            TimeSpan.FromSeconds(settle ?? (isShort ? 150 : 600)));
    }

    static string RepoRoot() =>
        Environment.GetEnvironmentVariable("QUEUEFLOW_REPO_ROOT") is { Length: > 0 } root ? root : Directory.GetCurrentDirectory();
}
