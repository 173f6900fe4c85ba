namespace QueueFlow.Bench.Driving;

/// <summary>
/// What the workers' logs say about the run: errors and warnings, and whether a service went away
/// under them (a broker or database restart makes every figure of the run unrepresentative).
/// </summary>
internal sealed record WorkerLogSummary(int Errors, int Warnings, bool ServiceRestarted, IReadOnlyList<string> Paths)
{
    // RabbitMQ closing connections for shutdown; PostgreSQL terminating them (57P01: admin shutdown or a forced drop).
    static readonly string[] RestartMarkers = ["CONNECTION_FORCED", "57P01"];

    public static WorkerLogSummary Read(IReadOnlyList<string> paths)
    {
        int errors = 0, warnings = 0;
        var restarted = false;
        foreach (var path in paths.Where(File.Exists))
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal))
                    errors++;
                else if (line.StartsWith("warn:", StringComparison.Ordinal))
                    warnings++;
                restarted |= RestartMarkers.Any(m => line.Contains(m, StringComparison.Ordinal));
            }
        }

        return new WorkerLogSummary(errors, warnings, restarted, paths);
    }
}
