using Npgsql;
using QueueFlow.Persistence.Jobs;

namespace QueueFlow.IntegrationTests.Persistence;

/// <summary>
/// A message reads its job under the job's send lock alone: the lock is what keeps changes to one job one at a time,
/// so the read holds no row lock (nothing else waits on the row while the message runs), and the generic plans it asks
/// for stay inside its own transaction: the pooled connection's next user plans as it always did.
/// </summary>
[Collection(PersistenceCollectionDefinition.Name)]
public sealed class When_a_message_reads_its_job(PersistenceFixture fixture)
{
    [Fact]
    public async Task Should_hold_the_jobs_send_lock_but_no_row_lock_and_leave_the_session_as_it_was()
    {
        var jobId = Guid.NewGuid();
        await using var connection = await ProbeSessions.OpenAsync(fixture.ConnectionString);
        await using var other = await ProbeSessions.OpenAsync(fixture.ConnectionString);
        await InsertRunningJobAsync(other, jobId, """{"n": 1}""", historyCount: 3);
        await other.ExecuteAsync($$"""
            INSERT INTO queueflow.job_tasks (job_id, task_id, kind, status, iteration, attempt, output, attempts)
            VALUES ('{{jobId}}', 'b', 'Worker', 'Pending', 0, 0, '{}', '[]'), ('{{jobId}}', 'a', 'Worker', 'Running', 0, 1, '{}', '[]')
            """);

        try
        {
            var locked = false;
            var read = await LockedJobReader.ReadAsync(connection, null, jobId, () => locked = true, CancellationToken.None);

            Assert.NotNull(read);
            Assert.True(locked, "the reader should report the job's lock as held");
            Assert.Equal("""{"n": 1}""", read.Job.Variables);
            Assert.Equal(3, read.Job.HistoryCount);
            Assert.Equal(["a", "b"], read.Job.Tasks.Select(t => t.TaskId));
            Assert.False(await other.ScalarAsync<bool>(ProbeSessions.TryLock(jobId)), "the job's send lock should be held by the reader");
            Assert.Equal(1, await other.ScalarAsync<int>($"SELECT count(*)::int FROM (SELECT 1 FROM queueflow.jobs WHERE id = '{jobId}' FOR UPDATE NOWAIT) AS row"));
            Assert.Equal("auto", await connection.ScalarAsync<string>("SHOW plan_cache_mode"));
        }
        finally
        {
            await connection.ExecuteAsync("SELECT pg_advisory_unlock_all()");
            await other.ExecuteAsync($"DELETE FROM queueflow.jobs WHERE id = '{jobId}'");
        }
    }

    [Fact]
    public async Task Should_look_its_outbox_rows_up_by_index_even_when_the_outbox_looks_empty()
    {
        var jobId = Guid.NewGuid();
        await using var connection = await ProbeSessions.OpenAsync(fixture.ConnectionString);
        await InsertRunningJobAsync(connection, jobId);

        // Fresh statistics of an outbox with (next to) nothing in it, as a running service's outbox always has.
        await connection.ExecuteAsync("VACUUM ANALYZE queueflow.outbox");
        try
        {
            // In a transaction of the test's own, so the scans the read made can be counted before it ends.
            await using (var transaction = await connection.BeginTransactionAsync())
            {
                var read = await LockedJobReader.ReadAsync(connection, transaction, jobId, () => { }, CancellationToken.None);
                Assert.NotNull(read);
                Assert.False(read.EarlierRowsWaiting);

                await using var scans = new NpgsqlCommand(
                    "SELECT seq_scan, idx_scan FROM pg_stat_xact_user_tables WHERE schemaname = 'queueflow' AND relname = 'outbox'", connection, transaction);
                await using var reader = await scans.ExecuteReaderAsync();
                Assert.True(await reader.ReadAsync());
                Assert.Equal(0L, reader.GetInt64(0));
                Assert.True(reader.GetInt64(1) >= 1, "the outbox probe should use its job_id index");
            }

            Assert.Equal("on", await connection.ScalarAsync<string>("SHOW enable_seqscan"));
        }
        finally
        {
            await connection.ExecuteAsync("SELECT pg_advisory_unlock_all()");
            await connection.ExecuteAsync($"DELETE FROM queueflow.jobs WHERE id = '{jobId}'");
        }
    }

    [Fact]
    public async Task Should_keep_its_outbox_probe_on_the_index_after_reads_of_jobs_not_started_yet()
    {
        var jobId = Guid.NewGuid();

        // Prepared as the worker's pooled connections prepare them: a prepared statement keeps the plans it was first
        // given, so the reads of jobs with no row (every StartJob's) must plan under the same settings as the others.
        var prepared = new NpgsqlConnectionStringBuilder(fixture.ConnectionString) { Pooling = false, MaxAutoPrepare = 10, AutoPrepareMinUsages = 2 };
        await using var connection = new NpgsqlConnection(prepared.ConnectionString);
        await connection.OpenAsync();
        await InsertRunningJobAsync(connection, jobId);
        await connection.ExecuteAsync("VACUUM ANALYZE queueflow.outbox");
        try
        {
            for (var i = 0; i < 12; i++)
                Assert.Null(await LockedJobReader.ReadAsync(connection, null, Guid.NewGuid(), () => { }, CancellationToken.None));

            await using var transaction = await connection.BeginTransactionAsync();
            Assert.NotNull(await LockedJobReader.ReadAsync(connection, transaction, jobId, () => { }, CancellationToken.None));
            await using var scans = new NpgsqlCommand(
                "SELECT seq_scan FROM pg_stat_xact_user_tables WHERE schemaname = 'queueflow' AND relname = 'outbox'", connection, transaction);
            Assert.Equal(0L, (long)(await scans.ExecuteScalarAsync())!);
        }
        finally
        {
            await connection.ExecuteAsync("SELECT pg_advisory_unlock_all()");
            await connection.ExecuteAsync($"DELETE FROM queueflow.jobs WHERE id = '{jobId}'");
        }
    }

    [Fact]
    public async Task Should_not_lock_a_job_that_has_no_row()
    {
        var jobId = Guid.NewGuid();
        await using var connection = await ProbeSessions.OpenAsync(fixture.ConnectionString);
        await using var other = await ProbeSessions.OpenAsync(fixture.ConnectionString);

        var locked = false;
        var read = await LockedJobReader.ReadAsync(connection, null, jobId, () => locked = true, CancellationToken.None);

        Assert.Null(read);
        Assert.False(locked, "a job with no row is not locked, so two starts of it race to the insert");
        Assert.True(await other.ScalarAsync<bool>(ProbeSessions.TryLock(jobId)), "the job's lock should be free");
    }

    private static Task InsertRunningJobAsync(NpgsqlConnection connection, Guid jobId, string variables = "{}", int historyCount = 0) =>
        connection.ExecuteAsync($"""
            INSERT INTO queueflow.jobs (id, current_state, workflow, workflow_version, status, variables, errors, created_at, updated_at, history_count)
            VALUES ('{jobId}', 'Running', 'probe', 1, 'Running', '{variables}', '[]', now(), now(), {historyCount})
            """);
}
