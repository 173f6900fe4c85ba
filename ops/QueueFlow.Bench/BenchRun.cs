using System.Text;
using QueueFlow.Bench.Ceilings;
using Npgsql;
using QueueFlow.Bench.Driving;
using QueueFlow.Bench.Peer;
using QueueFlow.Bench.Reporting;
using QueueFlow.Bench.Services;

namespace QueueFlow.Bench;

/// <summary>
/// One bench run: the raw ceilings first, on an idle machine (no worker running yet), then QueueFlow,
/// then the report. A part that fails is reported with its reason instead of hiding the others.
/// </summary>
internal sealed class BenchRun(BenchOptions options, string commandLine)
{
    readonly ServiceSettings _settings = ServiceSettings.FromEnvironment();
    readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    readonly List<string> _failures = [];

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var machine = await WithVersionsAsync(MachineInfo.Current(), cancellationToken);
        CeilingResult? rabbit = null, postgres = null;
        LatencySummary? floor = null;
        StepFloorResult? stepFloor = null;
        if (!options.SkipCeiling)
        {
            rabbit = await TryAsync("RabbitMQ ceiling", RabbitCeilingAsync, cancellationToken);
            postgres = await TryAsync("PostgreSQL ceiling", PostgresCeilingAsync, cancellationToken);
            floor = await TryAsync("Hop floor", HopFloorAsync, cancellationToken);

            // At one in flight it would be the hop floor again.
            if (options.Concurrency > 1)
                stepFloor = await TryAsync("Step floor", StepFloorAsync, cancellationToken);
        }

        var queueFlow = options.SkipQueueFlow
            ? null
            : await TryAsync("QueueFlow run", ct => new QueueFlowBenchmark(options, _settings, Progress).RunAsync(ct), cancellationToken);

        var peer = options.Peer is null
            ? null
            : await TryAsync("Hangfire run", ct => new HangfireBenchmark(PeerOptions(queueFlow), PeerConnectionString(), Progress).RunAsync(ct), cancellationToken);

        var report = new BenchReport(machine, options, _settings.DatabaseName, queueFlow, rabbit, postgres, _failures) { Peer = peer, HopFloor = floor, StepFloor = stepFloor };
        Console.Out.Write(ReportPrinter.Render(report, commandLine));
        return _failures.Count > 0 || !report.Healthy ? 1 : 0;
    }

    async Task<CeilingResult> RabbitCeilingAsync(CancellationToken cancellationToken)
    {
        Progress($"RabbitMQ ceiling: {options.CeilingMessages:N0} persistent messages through a quorum queue");
        var ceiling = new RabbitMqCeiling(_settings, "queueflow-bench-ceiling", BenchOptions.ConfirmWindow, BenchOptions.Prefetch);
        return await ceiling.RunAsync(options.CeilingMessages, CeilingWarmup(options.CeilingMessages), cancellationToken);
    }

    async Task<CeilingResult> PostgresCeilingAsync(CancellationToken cancellationToken)
    {
        Progress($"PostgreSQL ceiling: {options.CeilingMessages:N0} lock + update + insert transactions from {BenchOptions.PostgresClients} clients");
        var dataSource = _settings.CreateDataSource(BenchOptions.PostgresClients + 1);
        await using (dataSource)
        {
            var ceiling = new PostgresCeiling(dataSource, BenchOptions.PostgresClients, Math.Max(options.Jobs, 1));
            return await ceiling.RunAsync(options.CeilingMessages, CeilingWarmup(options.CeilingMessages), cancellationToken);
        }
    }

    async Task<LatencySummary> HopFloorAsync(CancellationToken cancellationToken)
    {
        var hops = Math.Max(100, options.CeilingMessages / 10);
        Progress($"Hop floor: {hops:N0} hops one at a time, through a quorum queue, one transaction and a classic queue");
        var dataSource = _settings.CreateDataSource(2);
        await using (dataSource)
        {
            var scratch = new PostgresCeiling(dataSource, clients: 1, rows: 100);
            return await scratch.WithScratchRowsAsync(async rows =>
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                await using var client = await CeilingClient.PrepareAsync(connection, cancellationToken);
                return await new HopFloor(_settings, "queueflow-bench-floor").RunAsync(client, rows, hops, CeilingWarmup(hops), cancellationToken);
            }, cancellationToken);
        }
    }

    async Task<StepFloorResult> StepFloorAsync(CancellationToken cancellationToken)
    {
        Progress($"Step floor: {options.CeilingMessages:N0} steps, {options.Concurrency} in flight, each through a quorum queue, one transaction and a classic queue");
        var dataSource = _settings.CreateDataSource(BenchOptions.PostgresClients + 1);
        await using (dataSource)
        {
            var scratch = new PostgresCeiling(dataSource, BenchOptions.PostgresClients, Math.Max(options.Jobs, 1));
            return await scratch.WithScratchRowsAsync(async rows =>
            {
                var clients = new List<CeilingClient>(BenchOptions.PostgresClients);
                var connections = new List<NpgsqlConnection>(BenchOptions.PostgresClients);
                try
                {
                    for (var i = 0; i < BenchOptions.PostgresClients; i++)
                    {
                        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                        connections.Add(connection);
                        clients.Add(await CeilingClient.PrepareAsync(connection, cancellationToken));
                    }

                    return await new StepFloor(_settings, "queueflow-bench-step-floor")
                        .RunAsync(clients, rows, options.Concurrency, options.CeilingMessages, CeilingWarmup(options.CeilingMessages), cancellationToken);
                }
                finally
                {
                    foreach (var client in clients)
                        await client.DisposeAsync();
                    foreach (var connection in connections)
                        await connection.DisposeAsync();
                }
            }, cancellationToken);
        }
    }

    /// <summary>The peer warms up with as many jobs as QueueFlow did, so that neither gets a longer warm-up than the other.</summary>
    BenchOptions PeerOptions(QueueFlowResult? queueFlow) =>
        options with { WarmupJobs = options.WarmupJobs ?? queueFlow?.Warmup.Jobs ?? Warmup.FallbackJobs };

    /// <summary>
    /// The peer's own database on the same server (ops/bench creates it empty as the bench database's name
    /// plus <c>_hangfire</c>), unless QUEUEFLOW_BENCH_PEER_CONNECTION_STRING names another.
    /// </summary>
    string PeerConnectionString() =>
        Environment.GetEnvironmentVariable(HangfireStorageFactory.ConnectionVariable) is { Length: > 0 } configured
            ? configured
            : new NpgsqlConnectionStringBuilder(_settings.ConnectionString) { Database = _settings.DatabaseName + "_hangfire" }.ConnectionString;

    /// <summary>A tenth, at most a thousand, run first and not counted, so JIT and cold caches stay out of the ceiling.</summary>
    static int CeilingWarmup(int measured) => Math.Min(1000, measured / 10);

    async Task<MachineInfo> WithVersionsAsync(MachineInfo machine, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await _settings.ConnectAsync("queueflow-bench probe", cancellationToken);
            await using (connection)
            {
                if (connection.ServerProperties is { } properties && properties.TryGetValue("version", out var value) && value is byte[] version)
                    machine = machine with { RabbitMqVersion = Encoding.UTF8.GetString(version) };
            }

            var dataSource = _settings.CreateDataSource(1);
            await using (dataSource)
            {
                await using var command = dataSource.CreateCommand("SHOW server_version");
                machine = machine with { PostgresVersion = (string?)await command.ExecuteScalarAsync(cancellationToken) ?? "?" };
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Progress($"could not read the services' versions: {exception.Message}");
        }

        return machine;
    }

    async Task<T?> TryAsync<T>(string what, Func<CancellationToken, Task<T>> run, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await run(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Progress($"{what} FAILED: {exception}");
            _failures.Add($"{what} failed: {exception.GetType().Name}: {exception.Message.Split('\n')[0]}");
            return null;
        }
    }

    void Progress(string message) =>
        Console.Error.WriteLine($"[bench +{(DateTimeOffset.UtcNow - _started).TotalSeconds,5:0.0}s] {message}");
}
