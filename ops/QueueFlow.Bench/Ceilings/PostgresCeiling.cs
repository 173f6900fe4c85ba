using System.Diagnostics;
using Npgsql;

namespace QueueFlow.Bench.Ceilings;

/// <summary>
/// The database's ceiling for what QueueFlow does per message, stripped of everything else: lock one
/// job row, update its jsonb and counter, append one history row, commit — from concurrent clients,
/// in a scratch schema of its own that is dropped afterwards.
/// </summary>
internal sealed class PostgresCeiling(NpgsqlDataSource dataSource, int clients, int rows)
{
    /// <summary>The scratch schema; everything in it is the bench's and is dropped after the loop.</summary>
    public const string Schema = "bench";

    public Task<CeilingResult> RunAsync(int transactions, int warmup, CancellationToken cancellationToken) =>
        WithScratchRowsAsync(async ids =>
        {
            if (warmup > 0)
                await LoopAsync(ids, warmup, cancellationToken);
            var elapsed = await LoopAsync(ids, transactions, cancellationToken);
            return new CeilingResult("PostgreSQL", transactions, elapsed,
                $"{transactions:N0} in {elapsed.TotalSeconds:0.0} s: {clients} clients, {rows} rows, prepared SELECT … FOR UPDATE + UPDATE jsonb + INSERT history per commit");
        }, cancellationToken);

    /// <summary>
    /// Creates the scratch tables, gives <paramref name="use"/> their rows' ids (for <see cref="CeilingClient"/>s of
    /// its own, such as <see cref="HopFloor"/>'s), and drops them afterwards whatever happened.
    /// </summary>
    public async Task<T> WithScratchRowsAsync<T>(Func<Guid[], Task<T>> use, CancellationToken cancellationToken)
    {
        var ids = await CreateAsync(cancellationToken);
        try
        {
            return await use(ids);
        }
        finally
        {
            await ExecuteAsync($"DROP SCHEMA IF EXISTS {Schema} CASCADE", CancellationToken.None);
        }
    }

    async Task<Guid[]> CreateAsync(CancellationToken cancellationToken)
    {
        // Shaped like queueflow.jobs and queueflow.job_history, with the same unique (job, sequence) index.
        await ExecuteAsync($$"""
            DROP SCHEMA IF EXISTS {{Schema}} CASCADE;
            CREATE SCHEMA {{Schema}};
            CREATE TABLE {{Schema}}.jobs (
                id uuid PRIMARY KEY, status varchar(16) NOT NULL, variables jsonb NOT NULL,
                history_count integer NOT NULL, updated_at timestamptz NOT NULL);
            CREATE TABLE {{Schema}}.job_history (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, job_id uuid NOT NULL, sequence integer NOT NULL,
                at timestamptz NOT NULL, kind varchar(64) NOT NULL, task_id varchar(255), detail text);
            CREATE UNIQUE INDEX ux_job_history_job_id_sequence ON {{Schema}}.job_history (job_id, sequence);
            INSERT INTO {{Schema}}.jobs SELECT gen_random_uuid(), 'Running', '{"customer": "c-1"}', 0, now() FROM generate_series(1, @rows);
            """, cancellationToken, new NpgsqlParameter("rows", rows));

        var ids = new List<Guid>(rows);
        await using var command = dataSource.CreateCommand($"SELECT id FROM {Schema}.jobs");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            ids.Add(reader.GetGuid(0));
        return [.. ids];
    }

    async Task<TimeSpan> LoopAsync(Guid[] ids, int transactions, CancellationToken cancellationToken)
    {
        var issued = 0;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var client = await CeilingClient.PrepareAsync(connection, cancellationToken);
            while (Interlocked.Increment(ref issued) <= transactions)
                await client.RunOneAsync(ids[Random.Shared.Next(ids.Length)], cancellationToken);
        }, cancellationToken)));
        return Stopwatch.GetElapsedTime(started);
    }

    async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddRange(parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
