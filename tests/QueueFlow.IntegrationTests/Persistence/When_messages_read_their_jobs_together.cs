using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using QueueFlow.Persistence.Jobs;

namespace QueueFlow.IntegrationTests.Persistence;

/// <summary>
/// The jobs of several messages are locked and read together, on one session of the process's own that holds each
/// job's send lock until that job's message releases it. A job that session cannot lock without waiting (held by
/// another session, or by itself for another message) or that has no row is left to the message's own session.
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

            // Closing the session gives back whatever it still held.
            await reads.DisposeAsync();
            Assert.True(await session.ScalarAsync<bool>(ProbeSessions.TryLock(jobs[1])), "a closed group session should hold no lock");
        }
        finally
        {
            await reads.DisposeAsync();
            await DeleteAsync(session, jobs);
        }
    }

    [Fact]
    public async Task Should_leave_to_the_message_a_job_held_elsewhere_held_here_already_or_not_started()
    {
        var (heldElsewhere, heldHere, notStarted) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await using var session = await ProbeSessions.OpenAsync(fixture.ConnectionString);
        await using var other = await ProbeSessions.OpenAsync(fixture.ConnectionString);
        await using var reads = NewGroupRead();
        await ProbeJobRows.NewJob(heldElsewhere).ExecuteAsync(session, null, CancellationToken.None);
        await ProbeJobRows.NewJob(heldHere).ExecuteAsync(session, null, CancellationToken.None);
        try
        {
            Assert.True(await session.ScalarAsync<bool>(ProbeSessions.TryLock(heldElsewhere)));
            var first = await reads.ReadAsync(heldHere).WaitAsync(PersistenceFixture.Patience);
            Assert.NotNull(first.Job);

            // A second message of a job this session holds would be granted the lock again: it must wait on its own session.
            Assert.Null((await reads.ReadAsync(heldHere).WaitAsync(PersistenceFixture.Patience)).Job);
            Assert.Null((await reads.ReadAsync(heldElsewhere).WaitAsync(PersistenceFixture.Patience)).Job);
            Assert.Null((await reads.ReadAsync(notStarted).WaitAsync(PersistenceFixture.Patience)).Job);
            Assert.Equal("1 locks, 1 session", await HeldAsync(other));
            Assert.True(await other.ScalarAsync<bool>(ProbeSessions.TryLock(notStarted)), "a job with no row should not be locked");

            reads.Release(first);
            await WaitUntilAsync(() => other.ScalarAsync<bool>(ProbeSessions.TryLock(heldHere)), "the released job's lock should come free");
        }
        finally
        {
            await DeleteAsync(session, [heldElsewhere, heldHere]);
        }
    }

    private GroupRead NewGroupRead() =>
        new(new NpgsqlConnectionStringBuilder(fixture.ConnectionString) { ApplicationName = _application }.ConnectionString, NullLogger<GroupRead>.Instance);

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

    private static Task DeleteAsync(NpgsqlConnection session, IEnumerable<Guid> jobs)
    {
        var ids = string.Join(", ", jobs.Select(id => $"'{id}'"));
        return session.ExecuteAsync($"DELETE FROM queueflow.jobs WHERE id IN ({ids}); SELECT pg_advisory_unlock_all()");
    }
}
