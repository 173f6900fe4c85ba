using System.Text.Json;
using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using QueueFlow.Contracts;
using QueueFlow.Persistence.Jobs;
using QueueFlow.Persistence.Outbox;

namespace QueueFlow.IntegrationTests.Persistence;

/// <summary>
/// The instance that commits a job's change sends its messages itself, right after the commit, under the job's
/// send lock; the relay only sweeps what was left, job by job, and never a job someone is sending.
/// </summary>
[Collection(PersistenceCollectionDefinition.Name)]
public sealed class When_a_job_sends_what_it_committed(PersistenceFixture fixture)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Should_send_it_right_after_the_commit_while_every_relay_is_held()
    {
        var jobId = Guid.NewGuid();
        await using var provider = fixture.BuildSagaHarness(retryConflicts: true, sendAfterCommit: true);
        var harness = await provider.StartTestHarness();
        await using var relaysHeld = await fixture.HoldRelaysAsync();

        await harness.Bus.Publish(new StartProbeJob(jobId));

        Assert.True(await harness.Published.Any<JobStateChanged>(m => m.Context.Message.JobId == jobId));
        await PersistenceFixture.Eventually(() => OutboxCount(jobId), n => n == 0, "the sent row to be deleted");
    }

    [Fact]
    public async Task Should_send_the_jobs_rows_left_from_before_first_and_in_order()
    {
        var jobId = Guid.NewGuid();
        await using var provider = fixture.BuildSagaHarness(retryConflicts: true, sendAfterCommit: true);
        var harness = await provider.StartTestHarness();
        await using var relaysHeld = await fixture.HoldRelaysAsync();
        await harness.Bus.Publish(new StartProbeJob(jobId));
        await PersistenceFixture.Eventually(() => PublishedFor(harness, jobId), m => m.Count == 1, "the start's message");

        // What a failed send after an earlier commit leaves behind.
        var leftBehind = Row(jobId, "left behind");
        await Insert(leftBehind);

        await harness.Bus.Publish(new TouchProbeJob(jobId));

        var published = await PersistenceFixture.Eventually(() => PublishedFor(harness, jobId), m => m.Count == 3, "the left row and the touch's");
        Assert.Equal(leftBehind.MessageId, published[1].Context.MessageId);
        Assert.Equal("left behind", published[1].Context.Message.Reason);
        Assert.Null(published[2].Context.Message.Reason);

        // The rows are deleted once they went out, after the broker took them: the harness sees them published first.
        await PersistenceFixture.Eventually(() => OutboxCount(jobId), n => n == 0, "the sent rows to be deleted");
    }

    [Fact]
    public async Task Should_leave_a_job_to_whoever_holds_its_send_lock_when_sweeping()
    {
        var heldJob = Guid.NewGuid();
        var freeJob = Guid.NewGuid();
        var held = Row(heldJob, "held");
        var free = Row(freeJob, "free");
        await Insert(held, free);

        await using var holder = new NpgsqlConnection(fixture.ConnectionString);
        await holder.OpenAsync();
        await Advisory(holder, "pg_advisory_lock", heldJob);
        try
        {
            await using var provider = fixture.BuildRelayHarness();
            var harness = await provider.StartTestHarness();

            // The held job's row is the older one, so the pass that sent the free job's looked at it first and passed it by.
            await PersistenceFixture.Eventually(() => OutboxCount(freeJob), n => n == 0, "the free job's row to be swept");
            Assert.Equal(1, await OutboxCount(heldJob));
            Assert.Empty(harness.Published.Select<JobStateChanged>(m => m.Context.MessageId == held.MessageId));

            await Advisory(holder, "pg_advisory_unlock", heldJob);
            await PersistenceFixture.Eventually(() => OutboxCount(heldJob), n => n == 0, "the held job's row once its lock is free");
            Assert.True(await harness.Published.Any<JobStateChanged>(m => m.Context.MessageId == held.MessageId));
        }
        finally
        {
            await using var db = fixture.CreateDbContext();
            await db.Outbox.Where(m => m.JobId == heldJob || m.JobId == freeJob).ExecuteDeleteAsync();
        }
    }

    private static async Task Advisory(NpgsqlConnection connection, string function, Guid jobId)
    {
        await using var command = new NpgsqlCommand($"SELECT {function}({JobLocks.Class}, {JobLocks.KeyOf("@job::text")})", connection);
        command.Parameters.AddWithValue("job", jobId);
        await command.ExecuteScalarAsync();
    }

    private static Task<List<IPublishedMessage<JobStateChanged>>> PublishedFor(ITestHarness harness, Guid jobId) =>
        Task.FromResult(harness.Published.Select<JobStateChanged>(m => m.Context.Message.JobId == jobId).ToList());

    private static OutboxMessage Row(Guid jobId, string reason)
    {
        var message = new JobStateChanged { JobId = jobId, Workflow = "probe", To = JobStatus.Running, Reason = reason, At = DateTimeOffset.UtcNow };
        return new OutboxMessage
        {
            MessageId = Guid.NewGuid(),
            JobId = jobId,
            MessageType = typeof(JobStateChanged).FullName!,
            Body = JsonSerializer.Serialize(message, Json),
            CreatedAt = DateTimeOffset.UtcNow,
        };
    }

    private async Task Insert(params OutboxMessage[] rows)
    {
        // One row per transaction, so the identity sequence is the order the rows are listed in.
        foreach (var row in rows)
        {
            await using var db = fixture.CreateDbContext();
            db.Outbox.Add(row);
            await db.SaveChangesAsync();
        }
    }

    private async Task<int> OutboxCount(Guid jobId)
    {
        await using var db = fixture.CreateDbContext();
        return await db.Outbox.CountAsync(m => m.JobId == jobId);
    }
}
