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
            Assert.Equal("on", await connection.ScalarAsync<string>("SHOW enable_seqscan"));
        }
        finally
        {
            // The unsent row is no real message: no relay of another test may meet it.
            await other.ExecuteAsync($"DELETE FROM queueflow.outbox WHERE job_id = '{jobId}'");
        }
    }

    [Fact]
    public async Task Should_let_the_jobs_next_message_in_only_once_the_delete_is_committed()
    {
        var jobId = Guid.NewGuid();
        var sent = Guid.NewGuid();
        var slowCommit = $"test_slow_commit_{jobId:N}";
        await using var connection = await ProbeSessions.OpenAsync(fixture.ConnectionString);
        await using var next = await ProbeSessions.OpenAsync(fixture.ConnectionString);
        await using var other = await ProbeSessions.OpenAsync(fixture.ConnectionString);
        await connection.ExecuteAsync($"INSERT INTO queueflow.outbox (message_id, job_id, message_type, body, created_at) VALUES ('{sent}', '{jobId}', 'probe', '[]', now())");

        // A commit that takes half a second (a deferred trigger on this job's rows alone): the next message, waiting
        // for the job's lock, must not get it while the delete is still uncommitted, or it finds the rows still there.
        await other.ExecuteAsync($$"""
            CREATE FUNCTION queueflow.{{slowCommit}}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.5); RETURN NULL; END $$;
            CREATE CONSTRAINT TRIGGER {{slowCommit}} AFTER DELETE ON queueflow.outbox DEFERRABLE INITIALLY DEFERRED
                FOR EACH ROW WHEN (OLD.job_id = '{{jobId}}') EXECUTE FUNCTION queueflow.{{slowCommit}}();
            """);
        try
        {
            await connection.ExecuteAsync($"SELECT pg_advisory_lock({JobLocks.Class}, {JobLocks.KeyOf($"'{jobId}'::text")})");

            // As a message reads its job: the lock, then a statement (a fresh snapshot) that looks for waiting rows.
            var waiting = Task.Run(async () =>
            {
                await using var batch = new NpgsqlBatch(next)
                {
                    BatchCommands =
                    {
                        new NpgsqlBatchCommand($"SELECT pg_advisory_lock({JobLocks.Class}, {JobLocks.KeyOf($"'{jobId}'::text")})"),
                        new NpgsqlBatchCommand($"SELECT count(*) FROM queueflow.outbox WHERE job_id = '{jobId}'"),
                    },
                };
                await using var reader = await batch.ExecuteReaderAsync();
                await reader.NextResultAsync();
                await reader.ReadAsync();
                return reader.GetInt64(0);
            });
            await WaitUntilBlockedAsync(other, next.ProcessID);

            await SentRowsRelease.ExecuteAsync(connection, [sent]);

            Assert.Equal(0L, await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        }
        finally
        {
            await other.ExecuteAsync($"DROP TRIGGER {slowCommit} ON queueflow.outbox; DROP FUNCTION queueflow.{slowCommit}();");
            await other.ExecuteAsync($"DELETE FROM queueflow.outbox WHERE job_id = '{jobId}'");
        }
    }

    private static async Task WaitUntilBlockedAsync(NpgsqlConnection observer, int pid)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await observer.ScalarAsync<bool>($"SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = {pid} AND locktype = 'advisory' AND NOT granted)"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the next message's session should be waiting for the job's lock");
            await Task.Delay(20);
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
