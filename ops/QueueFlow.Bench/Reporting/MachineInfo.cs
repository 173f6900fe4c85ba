using System.Globalization;
using System.Runtime.InteropServices;

namespace QueueFlow.Bench.Reporting;

/// <summary>The machine the figures belong to; the services' versions are filled in once connected.</summary>
internal sealed record MachineInfo(int Cores, string Cpu, long MemoryBytes, string Os, string Runtime)
{
    public string RabbitMqVersion { get; init; } = "?";
    public string PostgresVersion { get; init; } = "?";

    /// <summary>The 1/5/15-minute load averages when the run began: other work on the machine skews every figure.</summary>
    public string LoadAverage { get; init; } = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    public static MachineInfo Current() => new(
        Environment.ProcessorCount,
        ProcField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        MemTotalBytes(),
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription);

    static long MemTotalBytes()
    {
        // "MemTotal:       24684312 kB"; the GC's view is the fallback off Linux.
        var kilobytes = ProcField("/proc/meminfo", "MemTotal")?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        return kilobytes is null
            ? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes
            : long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
    }

    static string? ProcField(string path, string field)
    {
        if (!File.Exists(path))
            return null;
        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        return line?[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }
}
