using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using QueueFlow.IntegrationTests.Infrastructure;
using QueueFlow.Persistence.Jobs;

namespace QueueFlow.IntegrationTests.Persistence;

/// <summary>
/// The jobs of several messages are locked and read together, on one session of the process's own that holds each
/// job's send lock until that job's message releases it, or hands it to the job's next message waiting there. A job
/// that session cannot lock without waiting (another session holds it) or that has no row is left to the message's own
/// session.
/// </summary>
[Collection(PersistenceCollectionDefinition.Name)]
public sealed class When_messages_read_their_jobs_together(PersistenceFixture fixture)
{
    private readonly string _application = $"group-read-test-{Guid.NewGuid():N}";

    [Fact]
    public async Task Should_read_each_job_and_hold_its_lock_on_one_session_until_its_message_releases_it()
    {
        Guid[] jobs = [Guid.NewGuid(), Guid.NewGuid()];
        await using var session = await ProbeSessions.OpenAsync(fixture.ConnectionString);
        var reads = NewGroupRead();
        foreach (var jobId in jobs)
            await ProbeJobRows.NewJob(jobId).ExecuteAsync(session, null, CancellationToken.None);
        try
        {
            var answers = await Task.WhenAll(jobs.Select(reads.ReadAsync)).WaitAsync(PersistenceFixture.Patience);

            for (var i = 0; i < jobs.Length; i++)
            {
                var read = answers[i].Job;
                Assert.NotNull(read);
                Assert.Equal(jobs[i], read.Job.CorrelationId);
                Assert.Equal(ProbeJobRows.Workflow, read.Job.Workflow);
                Assert.Equal(["first", "second"], read.Job.Tasks.Select(t => t.TaskId));
                Assert.All(read.Job.Tasks, t => Assert.Equal(jobs[i], t.JobId));
                Assert.Equal(await session.ScalarAsync<long>($"SELECT xmin::text::bigint FROM queueflow.jobs WHERE id = '{jobs[i]}'"), read.RowVersion);
                Assert.False(read.EarlierRowsWaiting);
            }

            Assert.Equal("2 locks, 1 session", await HeldAsync(session));
            Assert.False(await session.ScalarAsync<bool>(ProbeSessions.TryLock(jobs[0])));

            reads.Release(answers[0]);
            await WaitUntilAsync(() => session.ScalarAsync<bool>(ProbeSessions.TryLock(jobs[0])), "the released job's lock should come free");
            Assert.Equal("1 locks, 1 session", await HeldAsync(session));

            // Closing the session gives back whatever it still held (once its server process has ended, just after).
            await reads.DisposeAsync();
            await WaitUntilAsync(() => session.ScalarAsync<bool>(ProbeSessions.TryLock(jobs[1])), "a closed group session should hold no lock");

            // Nor does it take a release any more: the message deletes its sent rows on its own session.
            Assert.False(reads.Release(answers[1], [Guid.NewGuid()]), "a closed group session should refuse a release with rows to delete");
        }
        finally
        {
            await reads.DisposeAsync();
            await DeleteAsync(session, jobs);
        }
    }

    [Fact]
    public async Task Should_leave_to_the_message_a_job_held_elsewhere_or_not_started()
    {
        var (heldElsewhere, notStarted) = (Guid.NewGuid(), Guid.NewGuid());
        await using var session = await ProbeSessions.OpenAsync(fixture.ConnectionString);
        await using var other = await ProbeSessions.OpenAsync(fixture.ConnectionString);
        await using var reads = NewGroupRead();
        await ProbeJobRows.NewJob(heldElsewhere).ExecuteAsync(session, null, CancellationToken.None);
        try
        {
            Assert.True(await session.ScalarAsync<bool>(ProbeSessions.TryLock(heldElsewhere)));

            Assert.Null((await reads.ReadAsync(heldElsewhere).WaitAsync(PersistenceFixture.Patience)).Job);
            Assert.Null((await reads.ReadAsync(notStarted).WaitAsync(PersistenceFixture.Patience)).Job);
            Assert.Equal("0 locks, 0 session", await HeldAsync(other));
            Assert.True(await other.ScalarAsync<bool>(ProbeSessions.TryLock(notStarted)), "a job with no row should not be locked");
        }
        finally
        {
            await DeleteAsync(session, [heldElsewhere]);
        }
    }

    [Fact]
    public async Task Should_hand_a_jobs_lock_to_its_next_message_here_when_the_one_before_releases_it()
    {
        var jobId = Guid.NewGuid();
        await using var session = await ProbeSessions.OpenAsync(fixture.ConnectionString);
        await using var reads = NewGroupRead();
        await ProbeJobRows.NewJob(jobId).ExecuteAsync(session, null, CancellationToken.None);
        try
        {
            var first = await reads.ReadAsync(jobId).WaitAsync(PersistenceFixture.Patience);
            Assert.NotNull(first.Job);

            // Trying again on the same session would be granted: the next message must wait for the first's release.
            var next = reads.ReadAsync(jobId);
            await reads.ReadAsync(Guid.NewGuid()).WaitAsync(PersistenceFixture.Patience);
            Assert.False(next.IsCompleted, "the job's next message should wait while the first holds the lock");

            // What the first message wrote, committed before it releases: the next one reads it.
            await session.ExecuteAsync($"UPDATE queueflow.jobs SET history_count = 7 WHERE id = '{jobId}'");
            reads.Release(first);
            var handedOn = await next.WaitAsync(PersistenceFixture.Patience);

            Assert.NotNull(handedOn.Job);
            Assert.Equal(7, handedOn.Job.Job.HistoryCount);
            Assert.Equal("1 locks, 1 session", await HeldAsync(session));
            Assert.False(await session.ScalarAsync<bool>(ProbeSessions.TryLock(jobId)), "the lock should pass on without coming free");

            // The first message's release, again, must not free the lock the next one holds now.
            reads.Release(first);
            reads.Release(handedOn);
            await WaitUntilAsync(() => session.ScalarAsync<bool>(ProbeSessions.TryLock(jobId)), "the next message's release should free the lock");
        }
        finally
        {
            await DeleteAsync(session, [jobId]);
        }
    }

    [Fact]
    public async Task Should_delete_a_messages_sent_rows_before_its_lock_passes_on()
    {
        var jobId = Guid.NewGuid();
        await using var session = await ProbeSessions.OpenAsync(fixture.ConnectionString);
        await using var reads = NewGroupRead();
        Guid[] rows = [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()];
        await ProbeJobRows.NewJob(jobId).ExecuteAsync(session, null, CancellationToken.None);
        try
        {
            // The first message's rows, written while it holds the lock (no relay may send these probe rows).
            var first = await reads.ReadAsync(jobId).WaitAsync(PersistenceFixture.Patience);
            Assert.NotNull(first.Job);
            await InsertOutboxRowsAsync(session, jobId, rows);
            var next = reads.ReadAsync(jobId);

            // The first message sent two of the three: the next one, handed the lock, finds only the third.
            Assert.True(reads.Release(first, [rows[0], rows[1]]));
            var handedOn = await next.WaitAsync(PersistenceFixture.Patience);
            Assert.True(handedOn.Job?.EarlierRowsWaiting, "a row not sent should stay for the job's next message");
            Assert.Equal(rows[2], await session.ScalarAsync<Guid>($"SELECT message_id FROM queueflow.outbox WHERE job_id = '{jobId}'"));
            Assert.False(await session.ScalarAsync<bool>(ProbeSessions.TryLock(jobId)), "the lock should pass on without coming free");

            // The next message sent the third, and nobody waits here: the lock comes free with the rows gone, for the job's
            // next message on another session (a free lock is taken at once, so the delete must be committed by then).
            Assert.True(reads.Release(handedOn, [rows[2]]));
            await WaitUntilAsync(() => session.ScalarAsync<bool>(ProbeSessions.TryLock(jobId)), "the last release should free the lock");
            Assert.Equal(0, await session.ScalarAsync<int>($"SELECT count(*)::int FROM queueflow.outbox WHERE job_id = '{jobId}'"));
        }
        finally
        {
            await DeleteAsync(session, [jobId]);
        }
    }

    [Fact]
    public async Task Should_delete_the_sent_rows_of_a_release_whose_lock_is_no_longer_held_here()
    {
        var jobId = Guid.NewGuid();
        await using var session = await ProbeSessions.OpenAsync(fixture.ConnectionString);
        await using var reads = NewGroupRead();
        var sent = Guid.NewGuid();
        await ProbeJobRows.NewJob(jobId).ExecuteAsync(session, null, CancellationToken.None);
        try
        {
            var read = await reads.ReadAsync(jobId).WaitAsync(PersistenceFixture.Patience);
            Assert.NotNull(read.Job);
            await InsertOutboxRowsAsync(session, jobId, [sent]);
            Assert.True(reads.Release(read));

            // The lock, once free, taken by the test's session: the probe row stays where no relay may send it.
            await WaitUntilAsync(() => session.ScalarAsync<bool>(ProbeSessions.TryLock(jobId)), "the release should free the lock");

            // Released once already, as after a session that failed and took its locks with it: the rows still go.
            Assert.True(reads.Release(read, [sent]));
            await WaitUntilAsync(async () => await session.ScalarAsync<int>($"SELECT count(*)::int FROM queueflow.outbox WHERE job_id = '{jobId}'") == 0,
                "rows that went out should be deleted though their message's lock is gone");
        }
        finally
        {
            await DeleteAsync(session, [jobId]);
        }
    }

    [Fact]
    public async Task Should_free_every_lock_of_a_round_trip_that_failed_on_a_healthy_session()
    {
        var (unreadable, readable) = (Guid.NewGuid(), Guid.NewGuid());
        await using var session = await ProbeSessions.OpenAsync(fixture.ConnectionString);
        await using var reads = NewGroupRead();
        await ProbeJobRows.NewJob(unreadable).ExecuteAsync(session, null, CancellationToken.None);
        await ProbeJobRows.NewJob(readable).ExecuteAsync(session, null, CancellationToken.None);
        try
        {
            // A row the reader cannot map (errors that are not a list): the round trip fails after its lock was granted,
            // while the session itself stays healthy, so only ending the session can give that lock back.
            await session.ExecuteAsync($"UPDATE queueflow.jobs SET errors = '{{\"not\": \"a list\"}}' WHERE id = '{unreadable}'");

            Assert.Null((await reads.ReadAsync(unreadable).WaitAsync(PersistenceFixture.Patience)).Job);
            await WaitUntilAsync(() => session.ScalarAsync<bool>(ProbeSessions.TryLock(unreadable)),
                "the lock of a failed round trip should come free, not stay with a connection kept for reuse");
            Assert.Equal("0 locks, 0 session", await HeldAsync(session));

            // The next round trip opens a new session and goes on as before.
            var read = await reads.ReadAsync(readable).WaitAsync(PersistenceFixture.Patience);
            Assert.Equal(readable, read.Job?.Job.CorrelationId);
            Assert.Equal("1 locks, 1 session", await HeldAsync(session));
            reads.Release(read);
        }
        finally
        {
            await DeleteAsync(session, [unreadable, readable]);
        }
    }

    [Fact]
    public async Task Should_warn_once_naming_the_job_when_one_message_holds_its_lock_for_more_than_a_minute()
    {
        var jobId = Guid.NewGuid();
        var clock = new FakeTimeProvider();
        var log = new LogCapture();
        using var logging = LoggerFactory.Create(builder => builder.AddProvider(log));
        await using var session = await ProbeSessions.OpenAsync(fixture.ConnectionString);
        await using var reads = new GroupRead(ApplicationConnectionString(), logging.CreateLogger<GroupRead>(), clock);
        await ProbeJobRows.NewJob(jobId).ExecuteAsync(session, null, CancellationToken.None);
        try
        {
            var holder = await reads.ReadAsync(jobId).WaitAsync(PersistenceFixture.Patience);
            Assert.NotNull(holder.Job);
            var next = reads.ReadAsync(jobId);

            // Reads are answered in order, so once a later one is answered, every check the clock asked for before it ran.
            Task Checked() => reads.ReadAsync(Guid.NewGuid()).WaitAsync(PersistenceFixture.Patience);
            clock.Advance(TimeSpan.FromSeconds(45));
            await Checked();
            Assert.DoesNotContain(log.Lines, l => l.Contains(jobId.ToString(), StringComparison.Ordinal));

            clock.Advance(TimeSpan.FromSeconds(45));
            await Checked();
            var warning = Assert.Single(log.Lines, l => l.Contains(jobId.ToString(), StringComparison.Ordinal));
            Assert.StartsWith("Warning", warning, StringComparison.Ordinal);
            Assert.Contains("held by one message for", warning, StringComparison.Ordinal);
            Assert.Contains("1 more of its messages wait here", warning, StringComparison.Ordinal);

            // The lock passed on to the job's next message starts a new count.
            reads.Release(holder);
            var handedOn = await next.WaitAsync(PersistenceFixture.Patience);
            clock.Advance(TimeSpan.FromSeconds(45));
            await Checked();
            Assert.Single(log.Lines, l => l.Contains(jobId.ToString(), StringComparison.Ordinal));
            reads.Release(handedOn);
        }
        finally
        {
            await DeleteAsync(session, [jobId]);
        }
    }

    private string ApplicationConnectionString() =>
        new NpgsqlConnectionStringBuilder(fixture.ConnectionString) { ApplicationName = _application }.ConnectionString;

    private GroupRead NewGroupRead() => new(ApplicationConnectionString(), NullLogger<GroupRead>.Instance);

    /// <summary>How many job locks the group's sessions hold, and on how many sessions.</summary>
    private Task<string> HeldAsync(NpgsqlConnection observer) => observer.ScalarAsync<string>($"""
        SELECT count(*) || ' locks, ' || count(DISTINCT l.pid) || ' session'
        FROM pg_locks AS l JOIN pg_stat_activity AS a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.classid = {JobLocks.Class} AND a.application_name = '{_application}'
        """);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string because)
    {
        var deadline = DateTime.UtcNow + PersistenceFixture.Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, because);
            await Task.Delay(20);
        }
    }

    private static Task InsertOutboxRowsAsync(NpgsqlConnection session, Guid jobId, Guid[] messageIds) => session.ExecuteAsync(
        $"INSERT INTO queueflow.outbox (message_id, job_id, message_type, body, created_at) SELECT m, '{jobId}', 'probe', '[]', now() FROM unnest(ARRAY[{string.Join(", ", messageIds.Select(id => $"'{id}'::uuid"))}]) AS m");

    private static Task DeleteAsync(NpgsqlConnection session, IEnumerable<Guid> jobs)
    {
        var ids = string.Join(", ", jobs.Select(id => $"'{id}'"));
        return session.ExecuteAsync($"DELETE FROM queueflow.outbox WHERE job_id IN ({ids}); DELETE FROM queueflow.jobs WHERE id IN ({ids}); SELECT pg_advisory_unlock_all()");
    }
}
