using System.Diagnostics;
using System.Globalization;

namespace QueueFlow.Bench.Driving;

/// <summary>
/// One QueueFlow worker as its own process, exactly as deployed (<c>dotnet QueueFlow.Worker.dll</c>),
/// so its peak memory is its own and not the driver's: read from <c>/proc/&lt;pid&gt;/status</c>.
/// Its output goes to a log file, shown when something goes wrong.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly StreamWriter _log;

    WorkerProcess(Process process, StreamWriter log, string logPath)
    {
        _process = process;
        _log = log;
        LogPath = logPath;
    }

    public string LogPath { get; }
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Starts <c>dotnet <paramref name="workerDll"/> <paramref name="arguments"/></c>; every output line goes to the
    /// log, and each standard-output line also to <paramref name="onOutput"/> when given (the peer's server reports
    /// its steps that way).
    /// </summary>
    public static WorkerProcess Start(string workerDll, IReadOnlyDictionary<string, string> environment, string logPath,
        IReadOnlyList<string>? arguments = null, Action<string>? onOutput = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(workerDll)!,
        };
        start.ArgumentList.Add(workerDll);
        foreach (var argument in arguments ?? [])
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;

        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) =>
        {
            Write(log, line.Data);
            if (line.Data is { } data)
                onOutput?.Invoke(data);
        };
        process.ErrorDataReceived += (_, line) => Write(log, line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new WorkerProcess(process, log, logPath);
    }

    /// <summary>Peak resident set (VmHWM) so far, in bytes; null once the process is gone.</summary>
    public long? PeakResidentBytes() => ReadStatusKilobytes("VmHWM:") * 1024;

    /// <summary>Resident set (VmRSS) now, in bytes; null once the process is gone.</summary>
    public long? ResidentBytes() => ReadStatusKilobytes("VmRSS:") * 1024;

    /// <summary>User + system CPU the worker has used so far.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.HasExited ? TimeSpan.Zero : _process.TotalProcessorTime;
    }

    public string LogTail(int lines)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return string.Join('\n', reader.ReadToEnd().Split('\n').TakeLast(lines));
        }
        catch (IOException exception)
        {
            return $"(log unreadable: {exception.Message})";
        }
    }

    /// <summary>SIGTERM, so the host stops gracefully, bounded; killed if it does not. False when it had to be killed.</summary>
    public async Task<bool> StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
            return true;
        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            await term.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            return false;
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
        lock (_log)
            _log.Dispose();
    }

    long? ReadStatusKilobytes(string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
            return line is null ? null : long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    static void Write(StreamWriter log, string? line)
    {
        if (line is null)
            return;
        lock (log)
        {
            if (log.BaseStream.CanWrite)
                log.WriteLine(line);
        }
    }
}
