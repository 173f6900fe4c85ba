using System.Diagnostics;

namespace QueueFlow.Chaos;

/// <summary>
/// Plays the schedule, one fault after another. Worker faults act on the supervisor's own children;
/// service faults go through ops/chaos-fault, which refuses to touch anything but the chaos run's own
/// PostgreSQL cluster and RabbitMQ node.
/// </summary>
internal sealed class FaultInjector(WorkerSupervisor workers, string faultScript, Action<string> progress)
{
    static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(4);

    readonly List<FaultRecord> _done = [];
    readonly List<Task> _restarts = [];

    public IReadOnlyList<FaultRecord> Done => _done;

    public async Task RunAsync(IReadOnlyList<Fault> schedule, long runStarted, CancellationToken cancellationToken)
    {
        foreach (var fault in schedule)
        {
            var wait = fault.At - Stopwatch.GetElapsedTime(runStarted);
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait, cancellationToken);
            var began = Stopwatch.GetElapsedTime(runStarted);
            progress($"fault: {fault}");
            string? problem = null;
            try
            {
                await InjectAsync(fault, cancellationToken);
            }
            catch (InvalidOperationException exception)
            {
                problem = exception.Message;
                progress($"fault {fault.Kind} FAILED: {problem}");
            }

            _done.Add(new FaultRecord(fault, began, Stopwatch.GetElapsedTime(runStarted), problem));
        }

        await Task.WhenAll(_restarts);
    }

    async Task InjectAsync(Fault fault, CancellationToken cancellationToken)
    {
        switch (fault.Kind)
        {
            case FaultKind.WorkerKill:
                var pid = await workers.KillAsync(fault.Slot);
                progress($"  killed worker{fault.Slot + 1} (pid {pid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none running"})");

                // Restarted in the background: the next fault may come while this worker is still away.
                _restarts.Add(RestartLaterAsync(fault.Slot, fault.Pause, cancellationToken));
                break;
            case FaultKind.AllWorkersDown:
                for (var slot = 0; slot < WorkerSupervisor.Count; slot++)
                    await workers.KillAsync(slot);
                await Task.Delay(fault.Pause, cancellationToken);
                workers.StartAll();
                break;
            case FaultKind.RabbitStopApp:
                await ScriptAsync("rabbit-stop-app", cancellationToken);
                await Task.Delay(fault.Pause, cancellationToken);
                await ScriptAsync("rabbit-start-app", cancellationToken);
                break;
            case FaultKind.RabbitKill:
                await ScriptAsync("rabbit-kill", cancellationToken);
                await Task.Delay(fault.Pause, cancellationToken);
                await ScriptAsync("start", cancellationToken);
                break;
            case FaultKind.RabbitCloseConnections:
                await ScriptAsync("rabbit-close-connections", cancellationToken);
                break;
            case FaultKind.PostgresRestartFast:
                await ScriptAsync("pg-restart-fast", cancellationToken);
                break;
            case FaultKind.PostgresRestartImmediate:
                await ScriptAsync("pg-restart-immediate", cancellationToken);
                break;
            case FaultKind.PostgresTerminate:
                await ScriptAsync("pg-terminate", cancellationToken);
                break;
            default:
                throw new InvalidOperationException($"no injection for {fault.Kind}");
        }
    }

    async Task RestartLaterAsync(int slot, TimeSpan pause, CancellationToken cancellationToken)
    {
        await Task.Delay(pause, cancellationToken);
        workers.Start(slot);
    }

    /// <summary>Runs <c>ops/chaos-fault <paramref name="command"/></c>; its output goes to the driver's progress.</summary>
    async Task ScriptAsync(string command, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(faultScript) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(command);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {faultScript}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ScriptTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"ops/chaos-fault {command} did not finish within {ScriptTimeout.TotalMinutes:0} min");
        }

        var text = (await output + await errors).Trim();
        if (text.Length > 0)
            progress("  " + text.Replace("\n", "\n  ", StringComparison.Ordinal));
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"ops/chaos-fault {command} exited with {process.ExitCode}");
    }
}
