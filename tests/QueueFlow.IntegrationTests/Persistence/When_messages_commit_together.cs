using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;
using QueueFlow.Persistence.Jobs;
using QueueFlow.Persistence.Outbox;

namespace QueueFlow.IntegrationTests.Persistence;

/// <summary>
/// Writes that wait while a group is being committed are committed together, in one transaction; a write PostgreSQL
/// refuses fails alone, and the others of its group are still committed. Each test first holds every write connection
/// up with a write that waits for a row another session is inserting, so the next writes are queued for certain, then
/// frees one connection alone, so one group takes them all.
/// </summary>
[Collection(PersistenceCollectionDefinition.Name)]
public sealed class When_messages_commit_together(PersistenceFixture fixture)
{
    private readonly string _application = $"group-commit-test-{Guid.NewGuid():N}";

    [Fact]
    public async Task Should_commit_the_writes_that_waited_in_one_transaction()
    {
        Guid[] heldUp = [.. Enumerable.Range(0, GroupCommit.WriteConnections).Select(_ => Guid.NewGuid())];
        Guid[] jobs = [heldUp[0], Guid.NewGuid(), Guid.NewGuid()];
        await using var session = await ProbeSessions.OpenAsync(fixture.ConnectionString);
        await using var groups = NewGroupCommit();
        var outbox = OutboxRow(jobs[2]);
        await HoldAsync(session, jobs[2]);
        try
        {
            await using var held = await HoldUpAsync(groups, heldUp, session);
            var waited = new[] { groups.WriteAsync(ProbeJobRows.NewJob(jobs[1])), groups.WriteAsync(ProbeJobRows.NewJob(jobs[2], outbox)) };
            await held.FreeFirstAsync();
            await Task.WhenAll(waited).WaitAsync(PersistenceFixture.Patience);
            await held.FreeRestAsync();

            // The id of the transaction that wrote each job's row.
            var versions = new long[jobs.Length];
            for (var i = 0; i < jobs.Length; i++)
                versions[i] = await session.ScalarAsync<long>($"SELECT xmin::text::bigint FROM queueflow.jobs WHERE id = '{jobs[i]}'");
            Assert.Equal(versions[1], versions[2]);
            Assert.NotEqual(versions[0], versions[1]);
            Assert.True(outbox.Sequence > 0, "the outbox row's sequence should be read back from its group");
            Assert.Equal(versions[2], await session.ScalarAsync<long>($"SELECT xmin::text::bigint FROM queueflow.outbox WHERE message_id = '{outbox.MessageId}'"));
            // Both new jobs' tasks, each job's written by its own write of the group.
            Assert.Equal(2, await session.ScalarAsync<int>($"SELECT count(*)::int FROM queueflow.job_tasks WHERE job_id = '{jobs[1]}'"));
            Assert.Equal(2, await session.ScalarAsync<int>($"SELECT count(*)::int FROM queueflow.job_tasks WHERE job_id = '{jobs[2]}'"));
        }
        finally
        {
            await DeleteAsync(session, [.. jobs, .. heldUp]);
        }
    }

    [Fact]
    public async Task Should_fail_only_the_write_postgresql_refused_or_whose_lock_was_broken()
    {
        Guid[] heldUp = [.. Enumerable.Range(0, GroupCommit.WriteConnections).Select(_ => Guid.NewGuid())];
        Guid[] jobs = [.. heldUp, Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()];
        var (good, duplicate, stale, alsoGood) = (jobs[^4], jobs[^3], jobs[^2], jobs[^1]);
        await using var session = await ProbeSessions.OpenAsync(fixture.ConnectionString);
        await using var groups = NewGroupCommit();
        var refusedRow = OutboxRow(duplicate);
        try
        {
            // A job that exists already (a start that lost its race), and one whose row version moved on since it was read.
            await ProbeJobRows.NewJob(duplicate).ExecuteAsync(session, null, CancellationToken.None);
            await ProbeJobRows.NewJob(stale).ExecuteAsync(session, null, CancellationToken.None);
            var staleWrite = new JobChangeBatch();
            staleWrite.UpdateJobRow(ProbeJobRows.JobFor(stale), rowVersion: 1, (JobStatus.Running, ProbeJobRows.Workflow));

            await using var held = await HoldUpAsync(groups, heldUp, session);
            var goodWrite = groups.WriteAsync(ProbeJobRows.NewJob(good));
            var refused = groups.WriteAsync(ProbeJobRows.NewJob(duplicate, refusedRow));
            var broken = groups.WriteAsync(staleWrite);
            var alsoGoodWrite = groups.WriteAsync(ProbeJobRows.NewJob(alsoGood));
            await held.FreeFirstAsync();

            await Task.WhenAll(goodWrite, alsoGoodWrite).WaitAsync(PersistenceFixture.Patience);
            var refusal = await Assert.ThrowsAsync<PostgresException>(() => refused.WaitAsync(PersistenceFixture.Patience));
            Assert.Equal(PostgresErrorCodes.UniqueViolation, refusal.SqlState);
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => broken.WaitAsync(PersistenceFixture.Patience));
            await held.FreeRestAsync();

            Assert.Equal(2, await session.ScalarAsync<int>($"SELECT count(*)::int FROM queueflow.jobs WHERE id IN ('{good}', '{alsoGood}')"));
            Assert.Equal(0, await session.ScalarAsync<int>($"SELECT count(*)::int FROM queueflow.outbox WHERE message_id = '{refusedRow.MessageId}'"));
        }
        finally
        {
            await DeleteAsync(session, jobs);
        }
    }

    [Fact]
    public async Task Should_write_each_jobs_rows_as_given_though_the_group_shares_its_statements()
    {
        Guid[] jobs = [Guid.NewGuid(), Guid.NewGuid()];
        await using var session = await ProbeSessions.OpenAsync(fixture.ConnectionString);
        await using var groups = NewGroupCommit();
        OutboxMessage[] rows = [OutboxRow(jobs[0]), OutboxRow(jobs[0]), OutboxRow(jobs[1])];
        await HoldAsync(session, jobs[0]);
        await HoldAsync(session, jobs[1]);
        try
        {
            await Task.WhenAll(jobs.Select(id => groups.WriteAsync(ProbeJobRows.NewJob(id)))).WaitAsync(PersistenceFixture.Patience);

            // The first job completes (its two tasks move on, two watchers join), the second job's second task starts and its
            // first task stays: each job row and task row as its own write gave it.
            var first = new JobChangeBatch();
            first.UpdateJobRow(Moved(jobs[0], JobStatus.Completed, ["ops", "audit"]), await RowVersionAsync(session, jobs[0]), (JobStatus.Running, ProbeJobRows.Workflow));
            first.UpdateTaskRow(ProbeJobRows.TaskRow(jobs[0], "first", TaskRunStatus.Completed), AsRead(ProbeJobRows.TaskRow(jobs[0], "first", TaskRunStatus.Pending)));
            first.UpdateTaskRow(ProbeJobRows.TaskRow(jobs[0], "second", TaskRunStatus.Running), AsRead(ProbeJobRows.TaskRow(jobs[0], "second", TaskRunStatus.Pending)));
            first.InsertHistoryRow(new JobHistoryEntry { JobId = jobs[0], Sequence = 2, At = DateTimeOffset.UtcNow, Kind = "TaskCompleted", TaskId = "first" });
            first.InsertHistoryRow(new JobHistoryEntry { JobId = jobs[0], Sequence = 3, At = DateTimeOffset.UtcNow, Kind = "TaskStarted", TaskId = "second" });
            first.InsertOutboxRow(rows[0]);
            first.InsertOutboxRow(rows[1]);
            var second = new JobChangeBatch();
            second.UpdateJobRow(Moved(jobs[1], JobStatus.Running, []), await RowVersionAsync(session, jobs[1]), (JobStatus.Running, ProbeJobRows.Workflow));
            second.UpdateTaskRow(ProbeJobRows.TaskRow(jobs[1], "second", TaskRunStatus.Running), AsRead(ProbeJobRows.TaskRow(jobs[1], "second", TaskRunStatus.Pending)));
            second.InsertHistoryRow(new JobHistoryEntry { JobId = jobs[1], Sequence = 2, At = DateTimeOffset.UtcNow, Kind = "TaskStarted", TaskId = "second" });
            second.InsertOutboxRow(rows[2]);
            var brokenLocks = await JobChangeBatch.ExecuteAsync(session, null, [first, second], CancellationToken.None);

            Assert.All(brokenLocks, Assert.Null);
            Assert.Equal("Completed 3 ops,audit", await JobColumnsAsync(session, jobs[0]));
            Assert.Equal("Running 2 ", await JobColumnsAsync(session, jobs[1]));
            Assert.Equal("first=Completed second=Running", await TaskStatusesAsync(session, jobs[0]));
            Assert.Equal("first=Pending second=Running", await TaskStatusesAsync(session, jobs[1]));
            Assert.Equal("1 2 3", await session.ScalarAsync<string>($"SELECT string_agg(sequence::text, ' ' ORDER BY sequence) FROM queueflow.job_history WHERE job_id = '{jobs[0]}'"));
            Assert.True(rows[0].Sequence < rows[1].Sequence, "a job's outbox rows should be numbered in the order they were made");
            foreach (var row in rows)
                Assert.Equal(row.Sequence, await session.ScalarAsync<long>($"SELECT sequence FROM queueflow.outbox WHERE message_id = '{row.MessageId}'"));
        }
        finally
        {
            await DeleteAsync(session, jobs);
        }
    }

    private GroupCommit NewGroupCommit() =>
        new(new NpgsqlConnectionStringBuilder(fixture.ConnectionString) { ApplicationName = _application }.ConnectionString, NullLogger<GroupCommit>.Instance);

    /// <summary>
    /// Holds up every write connection of <paramref name="groups"/>: hands it the start of one new job per connection while
    /// another session per job inserts the same job, uncommitted, so each connection waits for a session of its own and
    /// every write handed over meanwhile is queued. Each session is rolled back when <see cref="HeldUp"/> frees it.
    /// </summary>
    private async Task<HeldUp> HoldUpAsync(GroupCommit groups, Guid[] jobIds, NpgsqlConnection observer)
    {
        var held = new HeldUp();
        try
        {
            foreach (var jobId in jobIds)
            {
                var other = await ProbeSessions.OpenAsync(fixture.ConnectionString);
                var transaction = await other.BeginTransactionAsync();
                held.Sessions.Add((other, transaction));
                await ProbeJobRows.NewJob(jobId).ExecuteAsync(other, transaction, CancellationToken.None);
            }

            foreach (var jobId in jobIds)
            {
                held.Writes.Add(groups.WriteAsync(ProbeJobRows.NewJob(jobId)));

                // One at a time, so each goes to a connection of its own.
                var deadline = DateTime.UtcNow + PersistenceFixture.Patience;
                while (await observer.ScalarAsync<int>($"SELECT count(*)::int FROM pg_stat_activity WHERE application_name = '{_application}' AND wait_event_type = 'Lock'") < held.Writes.Count)
                {
                    Assert.False(held.Writes.Any(c => c.IsCompleted), "the held-up writes should wait for the other sessions' inserts, not complete");
                    Assert.True(DateTime.UtcNow < deadline, "the committer should wait for the other session's insert");
                    await Task.Delay(20);
                }
            }

            return held;
        }
        catch
        {
            await held.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The sessions holding the write connections up, and the held-up writes. Freeing the first alone lets one connection
    /// commit its write and then take every write queued meanwhile, while the others still wait: were they freed together,
    /// two connections could each take part of the queue.
    /// </summary>
    private sealed class HeldUp : IAsyncDisposable
    {
        public List<(NpgsqlConnection Session, NpgsqlTransaction Transaction)> Sessions { get; } = [];

        public List<Task> Writes { get; } = [];

        public Task FreeFirstAsync() => FreeAsync(0);

        public async Task FreeRestAsync()
        {
            for (var i = 1; i < Sessions.Count; i++)
                await FreeAsync(i);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var (session, _) in Sessions)
                await session.DisposeAsync();
        }

        private async Task FreeAsync(int index)
        {
            await Sessions[index].Transaction.RollbackAsync();
            await Writes[index].WaitAsync(PersistenceFixture.Patience);
        }
    }

    /// <summary>The job as the test wrote it: moved on to <paramref name="status"/>, its history counted on, watched by <paramref name="watchers"/>.</summary>
    private static Job Moved(Guid jobId, JobStatus status, List<string> watchers)
    {
        var job = ProbeJobRows.JobFor(jobId);
        job.Status = status;
        job.HistoryCount = status == JobStatus.Completed ? 3 : 2;
        job.Watchers = watchers;
        return job;
    }

    private static async Task<uint> RowVersionAsync(NpgsqlConnection session, Guid jobId) =>
        (uint)await session.ScalarAsync<long>($"SELECT xmin::text::bigint FROM queueflow.jobs WHERE id = '{jobId}'");

    private static Task<string> JobColumnsAsync(NpgsqlConnection session, Guid jobId) =>
        session.ScalarAsync<string>($"SELECT status || ' ' || history_count || ' ' || array_to_string(watchers, ',') FROM queueflow.jobs WHERE id = '{jobId}'");

    private static Task<string> TaskStatusesAsync(NpgsqlConnection session, Guid jobId) =>
        session.ScalarAsync<string>($"SELECT string_agg(task_id || '=' || status, ' ' ORDER BY task_id) FROM queueflow.job_tasks WHERE job_id = '{jobId}'");

    private static OutboxMessage OutboxRow(Guid jobId) =>
        new() { MessageId = Guid.NewGuid(), JobId = jobId, MessageType = "probe", Body = "[]", CreatedAt = DateTimeOffset.UtcNow };

    /// <summary>Takes the job's send lock as a message would: the probe rows are no real messages, for no relay to send.</summary>
    private static Task HoldAsync(NpgsqlConnection session, Guid jobId) =>
        session.ExecuteAsync($"SELECT pg_advisory_lock({JobLocks.Class}, {JobLocks.KeyOf($"'{jobId}'::text")})");

    private static Task DeleteAsync(NpgsqlConnection session, IEnumerable<Guid> jobs)
    {
        var ids = string.Join(", ", jobs.Select(id => $"'{id}'"));
        return session.ExecuteAsync($"DELETE FROM queueflow.outbox WHERE job_id IN ({ids}); DELETE FROM queueflow.jobs WHERE id IN ({ids}); SELECT pg_advisory_unlock_all()");
    }

    /// <summary>A task row as the job's read saw it, which the write counts statuses from.</summary>
    private static CountedTask AsRead(JobTask task) => new(task.Queue, task.Status);
}
