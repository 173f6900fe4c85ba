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
        Guid[] sent = [Guid.NewGuid(), Guid.NewGuid()];
        var unsent = Guid.NewGuid();
        await using var connection = await ProbeSessions.OpenAsync(fixture.ConnectionString);
        await connection.ExecuteAsync($"""
            INSERT INTO queueflow.outbox (message_id, job_id, message_type, body, created_at)
            VALUES ('{sent[0]}', '{jobId}', 'probe', '[]', now()), ('{unsent}', '{jobId}', 'probe', '[]', now()),
                   ('{sent[1]}', '{jobId}', 'probe', '[]', now())
            """);
        await connection.ExecuteAsync($"SELECT pg_advisory_lock({JobLocks.Class}, {JobLocks.KeyOf($"'{jobId}'::text")})");
        await using var other = await ProbeSessions.OpenAsync(fixture.ConnectionString);
        Assert.False(await other.ScalarAsync<bool>(ProbeSessions.TryLock(jobId)), "the job's lock should be held before the release");

        try
        {
            await SentRowsRelease.ExecuteAsync(connection, sent);

            Assert.Equal([unsent], await RowsOf(other, jobId));
            Assert.True(await other.ScalarAsync<bool>(ProbeSessions.TryLock(jobId)), "the job's lock should be free after the release");
            Assert.Equal("on", await connection.ScalarAsync<string>("SHOW synchronous_commit"));
        }
        finally
        {
            // The unsent row is no real message: no relay of another test may meet it.
            await other.ExecuteAsync($"DELETE FROM queueflow.outbox WHERE job_id = '{jobId}'");
        }
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
}
