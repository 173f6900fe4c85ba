using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Hosting;

/// <summary>
/// The worker as its own operating-system process, started from the built QueueFlow.Worker.dll with the
/// test services in its environment, so a test can kill it the way a crash or an OOM killer would.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly ConcurrentQueue<string> _output = new();

    WorkerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>What the process wrote to its standard output so far, line by line.</summary>
    public IReadOnlyList<string> Output => [.. _output];

    public static async Task<WorkerProcess> StartAsync(IDictionary<string, string> environment)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet", Path.Combine(AppContext.BaseDirectory, "QueueFlow.Worker.dll"))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in TestSettings.WorkerConfiguration())
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        start.Environment["DOTNET_ENVIRONMENT"] = "Test";
        start.Environment["Urls"] = baseAddress.ToString();
        foreach (var (key, value) in environment)
            start.Environment[key] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException("the worker process did not start");
        var worker = new WorkerProcess(process, baseAddress);

        // Drained so a chatty worker never blocks on a full pipe; standard output is kept for tests of the logs.
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is not null)
                worker._output.Enqueue(line.Data);
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.Until(async () => await HealthyAsync(http, process), healthy => healthy, "the worker process to report healthy", TimeSpan.FromSeconds(60));
        return worker;
    }

    /// <summary>SIGKILL: no shutdown hooks, no draining, no last sends.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    static async Task<bool> HealthyAsync(HttpClient http, Process process)
    {
        if (process.HasExited)
            throw new InvalidOperationException($"the worker process exited with code {process.ExitCode} before it was healthy");
        try
        {
            using var response = await http.GetAsync(new Uri("/health", UriKind.Relative));
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            await KillAsync();
        _process.Dispose();
    }
}
