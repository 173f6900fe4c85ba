using System.Globalization;

namespace QueueFlow.Bench.Reporting;

/// <summary>
/// CPU used so far by every process of a server on this machine (PostgreSQL's postmaster, backends and
/// background writers; RabbitMQ's Erlang VM), read from /proc/*/stat by the kernel's process name.
/// Process.GetProcessesByName is no help here: it names a process after its command line, which
/// PostgreSQL rewrites for each backend. Processes that exit between two readings take their CPU with
/// them, so a difference is a lower bound; the servers' long-lived processes do nearly all of the work.
/// </summary>
internal static class ServiceCpu
{
    // /proc reports CPU in USER_HZ ticks, which the kernel ABI fixes at 100 per second.
    const double TicksPerSecond = 100;

    public static TimeSpan PostgreSql() => Sum("postgres");

    public static TimeSpan RabbitMq() => Sum("beam.smp");

    static TimeSpan Sum(string command)
    {
        long ticks = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!char.IsAsciiDigit(Path.GetFileName(directory)[0]))
                continue;
            try
            {
                ticks += Ticks(File.ReadAllText(Path.Combine(directory, "stat")), command);
            }
            catch (IOException)
            {
                // Exited between listing and reading: its CPU is gone with it.
            }
        }

        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>utime + stime of one /proc/PID/stat line if its command is <paramref name="command"/>, else 0.</summary>
    internal static long Ticks(string stat, string command)
    {
        // "PID (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
        var open = stat.IndexOf('(', StringComparison.Ordinal);
        var close = stat.LastIndexOf(')');
        if (open < 0 || close < open || stat.AsSpan(open + 1, close - open - 1).SequenceEqual(command) is false)
            return 0;
        var fields = stat[(close + 2)..].Split(' ');

        // Fields 14 and 15 of the line (utime, stime) are the 12th and 13th after the command.
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
}
