using System.Globalization;

namespace QueueFlow.Bench.Reporting;

/// <summary>
/// The machine's context switches so far (the <c>ctxt</c> line of /proc/stat): every time a core went from one thread
/// to another, in every process. On these machines much of each process's CPU is spent putting threads to sleep and
/// waking them (the kernel's and the hypervisor's share of a profile), so switches per completion, read before and
/// after the measured run, say how many wake-ups a completion costs. Machine-wide: anything else running is counted.
/// </summary>
internal static class ContextSwitches
{
    public static long? Read()
    {
        try
        {
            return Parse(File.ReadAllText("/proc/stat"));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The count on the <c>ctxt</c> line of a /proc/stat text; null when it has none.</summary>
    internal static long? Parse(string procStat)
    {
        foreach (var line in procStat.Split('\n'))
        {
            if (line.StartsWith("ctxt ", StringComparison.Ordinal)
                && long.TryParse(line.AsSpan(5).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var switches))
                return switches;
        }

        return null;
    }
}
