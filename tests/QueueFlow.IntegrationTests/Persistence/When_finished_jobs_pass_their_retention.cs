using System.Diagnostics.Metrics;
using Npgsql;
using QueueFlow.Core.Telemetry;
using QueueFlow.IntegrationTests.Infrastructure;
using QueueFlow.Migrations;
using QueueFlow.Persistence.Counts;
using QueueFlow.Persistence.Jobs;
using QueueFlow.Persistence.Retention;

namespace QueueFlow.IntegrationTests.Persistence;

/// <summary>
/// Retention deletes the jobs that ended before its cutoff, with their tasks, history and idempotency keys, and
/// nothing else: not a job that ended later, not a Failed one unless told, not one still running however old, not one
/// whose lock a message holds; each deletion is counted in the metrics. A database of its own, so that the rows counted
/// are this test's.
/// </summary>
public sealed class When_finished_jobs_pass_their_retention : IAsyncLifetime
{
    static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    string _connectionString = string.Empty;

    public async Task InitializeAsync() => _connectionString = await OwnDatabase.CreateAsync("retention");

    public Task DisposeAsync() => OwnDatabase.DropAsync(_connectionString);

    [Fact]
    public async Task Should_delete_only_the_jobs_past_it_with_everything_that_is_theirs()
    {
        var oldCompleted = await InsertJobAsync("Completed", createdDaysAgo: 41, endedDaysAgo: 40);
        var oldCancelled = await InsertJobAsync("Cancelled", createdDaysAgo: 31, endedDaysAgo: 31);
        var recentCompleted = await InsertJobAsync("Completed", createdDaysAgo: 45, endedDaysAgo: 10);
        var oldFailed = await InsertJobAsync("Failed", createdDaysAgo: 40, endedDaysAgo: 40);
        var oldRunning = await InsertJobAsync("Running", createdDaysAgo: 60, endedDaysAgo: null);
        var locked = await InsertJobAsync("Completed", createdDaysAgo: 50, endedDaysAgo: 50);
        long counted = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == QueueFlowTelemetry.Meter.Name && instrument.Name == "queueflow.retention.jobs_deleted")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref counted, value));
        listener.Start();
        var finished = new RetentionOptions { FinishedJobs = TimeSpan.FromDays(30), BatchSize = 1 };
        var failedToo = new RetentionOptions { FinishedJobs = TimeSpan.FromDays(30), FailedJobs = TimeSpan.FromDays(7), BatchSize = 1 };

        // A message of that job is being applied or sent on some instance: its lock is held, so it waits for the next sweep.
        await using (var holder = new NpgsqlConnection(_connectionString))
        {
            await holder.OpenAsync();
            await ExecuteAsync(holder, $"SELECT pg_advisory_lock({JobLocks.Class}, {JobLocks.KeyOf($"'{locked}'")})");

            Assert.Equal(2, await SweepAsync(finished));
        }

        Assert.Equal(new[] { recentCompleted, oldFailed, oldRunning, locked }.Order(), await JobsLeftAsync());
        foreach (var gone in new[] { oldCompleted, oldCancelled })
            Assert.Equal((0L, 0L, 0L), await RowsOfAsync(gone));
        foreach (var kept in new[] { recentCompleted, oldFailed, oldRunning, locked })
            Assert.Equal((2L, 2L, 1L), await RowsOfAsync(kept));

        // The lock released, and Failed jobs given a retention of their own.
        Assert.Equal(2, await SweepAsync(failedToo));
        Assert.Equal(new[] { recentCompleted, oldRunning }.Order(), await JobsLeftAsync());
        Assert.Equal(0, await SweepAsync(failedToo));
        await AssertCountsMatchAsync();
        Assert.Equal(4, Interlocked.Read(ref counted));
    }

    async Task<int> SweepAsync(RetentionOptions options)
    {
        await using var db = QueueFlowDesignTimeDbContextFactory.Create(_connectionString);
        return await JobRetention.DeleteExpiredAsync(db, options, Now, CancellationToken.None);
    }

    /// <summary>A job with two tasks, two history entries and an idempotency key.</summary>
    async Task<Guid> InsertJobAsync(string status, int createdDaysAgo, int? endedDaysAgo)
    {
        var id = Guid.NewGuid();
        var created = Now.AddDays(-createdDaysAgo).UtcDateTime.ToString("O");
        var ended = endedDaysAgo is { } days ? $"'{Now.AddDays(-days).UtcDateTime:O}'" : "NULL";
        var taskStatus = status == "Running" ? "Running" : "Completed";
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, $"""
            INSERT INTO queueflow.jobs (id, current_state, workflow, workflow_version, status, variables, errors, created_at, updated_at, ended_at, history_count)
            VALUES ('{id}', '{status}', 'wf-retention', 1, '{status}', '{"{}"}', '[]', '{created}', '{created}', {ended}, 2);
            INSERT INTO queueflow.job_tasks (job_id, task_id, kind, queue, status, attempt, iteration, output, attempts)
            SELECT '{id}', 't' || k, 'Worker', 'q-retention', '{taskStatus}', 1, 0, '{"{}"}', '[]' FROM generate_series(1, 2) k;
            INSERT INTO queueflow.job_history (job_id, sequence, at, kind) SELECT '{id}', k, '{created}', 'JobRunning' FROM generate_series(1, 2) k;
            INSERT INTO queueflow.idempotency_keys (caller, key, request_hash, job_id, created_at) VALUES ('test', '{id}', '\x00', '{id}', '{created}');
            """);
        return id;
    }

    async Task<List<Guid>> JobsLeftAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM queueflow.jobs", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<Guid>();
        while (await reader.ReadAsync())
            ids.Add(reader.GetGuid(0));
        return [.. ids.Order()];
    }

    async Task<(long Tasks, long History, long Keys)> RowsOfAsync(Guid jobId)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT (SELECT count(*) FROM queueflow.job_tasks WHERE job_id = @id), (SELECT count(*) FROM queueflow.job_history WHERE job_id = @id),
                   (SELECT count(*) FROM queueflow.idempotency_keys WHERE job_id = @id)
            """, connection);
        command.Parameters.AddWithValue("id", jobId);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    /// <summary>What GET /api/stats reports must still be what the tables hold.</summary>
    async Task AssertCountsMatchAsync()
    {
        await using var db = QueueFlowDesignTimeDbContextFactory.Create(_connectionString);
        var kept = (await StatusCounts.ReadAsync(db, CancellationToken.None)).Where(c => c.Count != 0)
            .Select(c => $"{c.Entity} {c.Name} {c.Status} {c.Count}").Order(StringComparer.Ordinal);
        Assert.Equal(
            ["job wf-retention Completed 1", "job wf-retention Running 1", "task q-retention Completed 2", "task q-retention Running 2"],
            kept);
    }

    static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
