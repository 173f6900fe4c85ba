using Npgsql;
using QueueFlow.Persistence.Jobs;

namespace QueueFlow.IntegrationTests.Persistence;

/// <summary>
/// After its rows went out, a message deletes them and releases its job's send lock in one round trip whose commit
/// does not wait for the disk. That must stay inside that one transaction: the pooled connection's next message
/// commits a job's state, which must still wait until it is durable.
/// </summary>
[Collection(PersistenceCollectionDefinition.Name)]
public sealed class When_a_job_releases_its_sent_rows(PersistenceFixture fixture)
{
    [Fact]
    public async Task Should_delete_only_the_sent_rows_release_the_job_and_leave_the_session_committing_durably()
    {
        var jobId = Guid.NewGuid();
        var sent = Guid.NewGuid();
        var unsent = Guid.NewGuid();
        await using var connection = await OpenAsync();
        await ExecuteAsync(connection, $"""
            INSERT INTO queueflow.outbox (message_id, job_id, message_type, body, created_at)
            VALUES ('{sent}', '{jobId}', 'probe', '[]', now()), ('{unsent}', '{jobId}', 'probe', '[]', now())
            """);
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({JobLocks.Class}, {JobLocks.KeyOf($"'{jobId}'::text")})");
        await using var other = await OpenAsync();
        Assert.False(await ScalarAsync<bool>(other, TryLock(jobId)), "the job's lock should be held before the release");

        try
        {
            await SentRowsRelease.ExecuteAsync(connection, [sent]);

            Assert.Equal([unsent], await RowsOf(other, jobId));
            Assert.True(await ScalarAsync<bool>(other, TryLock(jobId)), "the job's lock should be free after the release");
            Assert.Equal("on", await ScalarAsync<string>(connection, "SHOW synchronous_commit"));
        }
        finally
        {
            // The unsent row is no real message: no relay of another test may meet it.
            await ExecuteAsync(other, $"DELETE FROM queueflow.outbox WHERE job_id = '{jobId}'");
        }
    }

    private static string TryLock(Guid jobId) =>
        $"SELECT pg_try_advisory_lock({JobLocks.Class}, {JobLocks.KeyOf($"'{jobId}'::text")})";

    private async Task<NpgsqlConnection> OpenAsync()
    {
        // Unpooled, so the session is this test's alone and closing it drops whatever lock it still holds.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(fixture.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<List<Guid>> RowsOf(NpgsqlConnection connection, Guid jobId)
    {
        await using var command = new NpgsqlCommand($"SELECT message_id FROM queueflow.outbox WHERE job_id = '{jobId}'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<Guid>();
        while (await reader.ReadAsync())
            ids.Add(reader.GetGuid(0));
        return ids;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
