using System.Diagnostics.Metrics;
using Npgsql;
using QueueFlow.Core.Telemetry;
using QueueFlow.IntegrationTests.Infrastructure;
using QueueFlow.Migrations;
using QueueFlow.Persistence.Retention;

namespace QueueFlow.IntegrationTests.Persistence;

/// <summary>
/// Retention of dead letters deletes those replayed or discarded before its cutoff, and nothing else: not a Pending one
/// however old, not one resolved later, not one an operator is resolving at that moment (its row locked); nothing at
/// all unless it is set. A database of its own, so that the rows counted are this test's.
/// </summary>
public sealed class When_resolved_dead_letters_pass_their_retention : IAsyncLifetime
{
    static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    string _connectionString = string.Empty;

    public async Task InitializeAsync() => _connectionString = await OwnDatabase.CreateAsync("dead_letter_retention");

    public Task DisposeAsync() => OwnDatabase.DropAsync(_connectionString);

    [Fact]
    public async Task Should_delete_only_the_replayed_and_discarded_ones_resolved_before_the_cutoff()
    {
        await InsertAsync("Replayed", seenDaysAgo: 60, resolvedDaysAgo: 40);
        await InsertAsync("Discarded", seenDaysAgo: 31, resolvedDaysAgo: 31);
        var recentReplayed = await InsertAsync("Replayed", seenDaysAgo: 90, resolvedDaysAgo: 10);
        var oldPending = await InsertAsync("Pending", seenDaysAgo: 400, resolvedDaysAgo: null);
        var beingResolved = await InsertAsync("Discarded", seenDaysAgo: 50, resolvedDaysAgo: 50);
        long counted = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == QueueFlowTelemetry.Meter.Name && instrument.Name == "queueflow.retention.dead_letters_deleted")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref counted, value));
        listener.Start();
        var month = new RetentionOptions { ResolvedDeadLetters = TimeSpan.FromDays(30), BatchSize = 1 };

        // Jobs' retention alone leaves every dead letter.
        Assert.Equal(0, await SweepAsync(new RetentionOptions { FinishedJobs = TimeSpan.FromDays(1) }));

        // An operator's replay or discard holds the row's lock: that one waits for the next sweep.
        await using (var operatorSession = new NpgsqlConnection(_connectionString))
        {
            await operatorSession.OpenAsync();
            await using var resolving = await operatorSession.BeginTransactionAsync();
            await using (var lockRow = new NpgsqlCommand($"SELECT id FROM queueflow.dead_letters WHERE id = '{beingResolved}' FOR UPDATE", operatorSession, resolving))
                await lockRow.ExecuteScalarAsync();

            Assert.Equal(2, await SweepAsync(month));
            Assert.Equal(new[] { recentReplayed, oldPending, beingResolved }.Order(), await LeftAsync());
        }

        Assert.Equal(1, await SweepAsync(month));
        Assert.Equal(new[] { recentReplayed, oldPending }.Order(), await LeftAsync());
        Assert.Equal(0, await SweepAsync(month));
        Assert.Equal(3, Interlocked.Read(ref counted));
    }

    async Task<int> SweepAsync(RetentionOptions options)
    {
        await using var db = QueueFlowDesignTimeDbContextFactory.Create(_connectionString);
        return await DeadLetterRetention.DeleteExpiredAsync(db, options, Now, CancellationToken.None);
    }

    async Task<Guid> InsertAsync(string status, int seenDaysAgo, int? resolvedDaysAgo)
    {
        var id = Guid.NewGuid();
        var seen = Now.AddDays(-seenDaysAgo).UtcDateTime.ToString("O");
        var resolved = resolvedDaysAgo is { } days ? $"'{Now.AddDays(-days).UtcDateTime:O}'" : "NULL";
        var resolvedBy = resolvedDaysAgo is null ? "NULL" : "'operator'";
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"""
            INSERT INTO queueflow.dead_letters (id, message_id, source, source_name, message_type, headers, body, reason,
                first_seen_at, last_seen_at, seen_count, status, resolved_at, resolved_by)
            VALUES ('{id}', '{Guid.NewGuid()}', 'Queue', 'queueflow-jobs_error', 'QueueFlow.Contracts.CompleteTask', '{"{}"}', '{"{}"}',
                'bad input', '{seen}', '{seen}', 1, '{status}', {resolved}, {resolvedBy})
            """, connection);
        await command.ExecuteNonQueryAsync();
        return id;
    }

    async Task<List<Guid>> LeftAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM queueflow.dead_letters", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<Guid>();
        while (await reader.ReadAsync())
            ids.Add(reader.GetGuid(0));
        return [.. ids.Order()];
    }
}
