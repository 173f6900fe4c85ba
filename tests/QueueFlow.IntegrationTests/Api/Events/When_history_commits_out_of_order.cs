using Npgsql;
using QueueFlow.Api.Events;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Api.Events;

/// <summary>
/// The feed behind <c>GET /api/events</c> against the real PostgreSQL, with history rows written by hand so the
/// order of commits is chosen: an identity id taken first can commit last.
/// </summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_history_commits_out_of_order(QueueFlowFixture fixture)
{
    [Fact]
    public async Task Should_hold_a_later_entry_until_an_earlier_open_one_commits_and_send_both_in_id_order()
    {
        var jobId = Guid.NewGuid();
        var feed = HistoryFeed.After(await MaxIdAsync(), new EventFilter { JobId = jobId }, batchSize: 500);

        await using var early = await OpenAsync();
        await using var open = await early.BeginTransactionAsync();
        var first = await InsertAsync(early, open, jobId, 1, "Running");
        await using var late = await OpenAsync();
        var second = await InsertAsync(late, null, jobId, 2, "Failed");
        Assert.True(second > first, "the later insert took the higher id");

        // A reader keeping "the highest id seen" would send the second entry now and never the first.
        Assert.Empty(await ReadAsync(feed));

        await open.CommitAsync();
        var sent = await ReadUntilAsync(feed, 2);
        Assert.Equal([first, second], sent.Select(e => e.Position));
        Assert.Equal(["Running", "Failed"], sent.Select(e => e.Status));
        Assert.All(sent, e => Assert.Equal("task", e.EventType));

        // Resuming after the first sends the second again and nothing before it.
        var resumed = HistoryFeed.After(first, new EventFilter { JobId = jobId }, batchSize: 500);
        Assert.Equal([second], (await ReadUntilAsync(resumed, 1)).Select(e => e.Position));
    }

    [Fact]
    public async Task Should_pass_an_id_whose_transaction_rolled_back()
    {
        var jobId = Guid.NewGuid();
        var feed = HistoryFeed.After(await MaxIdAsync(), new EventFilter { JobId = jobId }, batchSize: 500);

        await using var undone = await OpenAsync();
        await using (var transaction = await undone.BeginTransactionAsync())
        {
            await InsertAsync(undone, transaction, jobId, 1, "Running");
            await transaction.RollbackAsync();
        }

        await using var kept = await OpenAsync();
        var after = await InsertAsync(kept, null, jobId, 2, "Completed");

        Assert.Equal([after], (await ReadUntilAsync(feed, 1)).Select(e => e.Position));
    }

    [Fact]
    public async Task Should_start_a_new_stream_after_what_is_committed_yet_send_what_was_open_when_it_started()
    {
        var jobId = Guid.NewGuid();
        await using var early = await OpenAsync();
        await using var open = await early.BeginTransactionAsync();
        var pending = await InsertAsync(early, open, jobId, 1, "Running");
        await using var other = await OpenAsync();
        await InsertAsync(other, null, jobId, 2, "Paused");

        var feed = HistoryFeed.FromNow(new EventFilter { JobId = jobId }, batchSize: 500);
        Assert.Empty(await ReadAsync(feed));
        await open.CommitAsync();

        Assert.Equal([pending], (await ReadUntilAsync(feed, 1)).Select(e => e.Position));
    }

    async Task<IReadOnlyList<JobEvent>> ReadAsync(HistoryFeed feed)
    {
        await using var db = fixture.Worker.CreateDbContext();
        return await feed.ReadAsync(db, CancellationToken.None);
    }

    /// <summary>Reads until <paramref name="count"/> events came (a rolled-back id is passed after two polls, others may be in flight).</summary>
    async Task<List<JobEvent>> ReadUntilAsync(HistoryFeed feed, int count)
    {
        var sent = new List<JobEvent>();
        await Eventually.Until(async () =>
        {
            sent.AddRange(await ReadAsync(feed));
            return sent.Count;
        }, n => n >= count, $"{count} events from the feed");
        return sent;
    }

    static async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(TestSettings.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    static async Task<long> MaxIdAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand("SELECT coalesce(max(id), 0) FROM queueflow.job_history", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    static async Task<long> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid jobId, int sequence, string to)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO queueflow.job_history (job_id, sequence, at, kind, task_id, "to")
            VALUES (@job, @sequence, now(), @kind, 't1', @to) RETURNING id
            """, connection, transaction);
        command.Parameters.AddWithValue("job", jobId);
        command.Parameters.AddWithValue("sequence", sequence);
        command.Parameters.AddWithValue("kind", "Task" + to);
        command.Parameters.AddWithValue("to", to);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
