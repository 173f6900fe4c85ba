using System.Text.Json;
using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using QueueFlow.Contracts;
using QueueFlow.Persistence.DeadLetters;
using QueueFlow.Persistence.Outbox;

namespace QueueFlow.IntegrationTests.Persistence;

[Collection(PersistenceCollectionDefinition.Name)]
public sealed class OutboxRelayTests(PersistenceFixture fixture)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task The_relay_publishes_or_sends_every_row_with_its_ids_and_then_deletes_it()
    {
        var jobId = Guid.NewGuid();
        var published = Row(jobId, StateChanged(jobId, "published"), destination: null, requestId: null);
        var reply = Row(jobId, Outcome(jobId), new Uri($"queue:relay-probe-{jobId:N}"), requestId: Guid.NewGuid());
        await Insert(published, reply);
        await using var provider = fixture.BuildRelayHarness();

        var harness = await provider.StartTestHarness();

        await PersistenceFixture.Eventually(() => OutboxCount(jobId), count => count == 0, "the relay to empty the job's outbox rows");
        Assert.True(await harness.Published.Any<JobStateChanged>(m => m.Context.MessageId == published.MessageId));
        var sent = harness.Published.Select<JobStateChanged>(m => m.Context.MessageId == published.MessageId).Single();
        Assert.Equal(jobId, sent.Context.Message.JobId);
        Assert.Equal("published", sent.Context.Message.Reason);

        Assert.True(await harness.Sent.Any<CommandOutcome>(m => m.Context.MessageId == reply.MessageId));
        var answer = harness.Sent.Select<CommandOutcome>(m => m.Context.MessageId == reply.MessageId).Single();
        Assert.Equal(reply.RequestId, answer.Context.RequestId);
        Assert.EndsWith($"relay-probe-{jobId:N}", answer.Context.DestinationAddress!.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(CommandStatus.Accepted, answer.Context.Message.Status);
    }

    [Fact]
    public async Task A_poison_row_is_dead_lettered_after_its_attempts_while_other_jobs_rows_go_out()
    {
        const int maxAttempts = 3;
        var poisonedJob = Guid.NewGuid();
        var otherJob = Guid.NewGuid();
        var failures = new FailureCounter();
        var poison = Row(poisonedJob, Outcome(poisonedJob), new Uri($"queue:unreachable-{poisonedJob:N}"), requestId: null);
        var behindPoison = Row(poisonedJob, StateChanged(poisonedJob, "behind the poison"), destination: null, requestId: null);
        var otherJobsRow = Row(otherJob, StateChanged(otherJob, "another job"), destination: null, requestId: null);
        await Insert(poison, behindPoison, otherJobsRow);

        // How many times the poison had failed when each good row went out.
        var failuresAtPublish = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        try
        {
            await using var provider = fixture.BuildRelayHarness(
                bus =>
                {
                    bus.ConfigureSend(send => send.UseExecute(context =>
                    {
                        if (context.DestinationAddress?.AbsolutePath.Contains("unreachable", StringComparison.Ordinal) == true)
                            failures.Fail();
                    }));
                    bus.ConfigurePublish(publish => publish.UseExecute(context =>
                    {
                        if (context is PublishContext<JobStateChanged> { Message.Reason: { } reason })
                            failuresAtPublish.TryAdd(reason, failures.Count);
                    }));
                },
                relay => relay.MaxAttempts = maxAttempts);

            var harness = await provider.StartTestHarness();

            var deadLetter = await PersistenceFixture.Eventually(
                () => DeadLetter(poison.MessageId), letter => letter is not null, "the poison row to be dead-lettered");
            await PersistenceFixture.Eventually(
                () => OutboxCount(poisonedJob, otherJob), count => count == 0, "the rows behind the poison to be sent");

            // A send that fails while the bus is still starting counts as an outage, not an attempt: there may be more sends than attempts.
            Assert.True(failures.Count >= maxAttempts);
            Assert.Equal(poisonedJob, deadLetter!.JobId);
            Assert.Equal((DeadLetterSource.Outbox, DeadLetterStatus.Pending, poison.MessageType), (deadLetter.Source, deadLetter.Status, deadLetter.MessageType));
            Assert.StartsWith($"not sent after {maxAttempts} attempt(s): ", deadLetter.Reason, StringComparison.Ordinal);
            Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(
                System.Text.Json.Nodes.JsonNode.Parse(poison.Body), System.Text.Json.Nodes.JsonNode.Parse(deadLetter.Body)));
            Assert.Contains("the broker refused this send (test)", deadLetter.Reason, StringComparison.Ordinal);

            // The other job's row was not held up by the poison; the poisoned job's own later row waited for it.
            Assert.True(failuresAtPublish["another job"] < maxAttempts);
            Assert.True(failuresAtPublish["behind the poison"] >= maxAttempts);
            Assert.True(await harness.Published.Any<JobStateChanged>(m => m.Context.MessageId == behindPoison.MessageId));
            Assert.Single(harness.Published.Select<JobStateChanged>(m => m.Context.MessageId == behindPoison.MessageId));
            Assert.Single(harness.Published.Select<JobStateChanged>(m => m.Context.MessageId == otherJobsRow.MessageId));
        }
        finally
        {
            await Cleanup(poisonedJob, otherJob);
        }
    }

    [Fact]
    public async Task A_failing_row_counts_its_attempts_and_holds_back_only_its_own_jobs_later_rows()
    {
        var failingJob = Guid.NewGuid();
        var otherJob = Guid.NewGuid();
        var failures = new FailureCounter();
        var failing = Row(failingJob, Outcome(failingJob), new Uri($"queue:unreachable-{failingJob:N}"), requestId: null);
        var behind = Row(failingJob, StateChanged(failingJob, "behind the failing one"), destination: null, requestId: null);
        var others = Enumerable.Range(0, 5).Select(i => Row(otherJob, StateChanged(otherJob, $"other {i}"), null, null)).ToArray();
        await Insert([failing, behind, .. others]);
        try
        {
            await using var provider = fixture.BuildRelayHarness(
                bus => bus.ConfigureSend(send => send.UseExecute(context =>
                {
                    if (context.DestinationAddress?.AbsolutePath.Contains("unreachable", StringComparison.Ordinal) == true)
                        failures.Fail();
                })),
                relay => relay.MaxAttempts = 1_000);

            var harness = await provider.StartTestHarness();

            await PersistenceFixture.Eventually(() => Task.FromResult(failures.Count), count => count >= 3, "three failed sends");
            await PersistenceFixture.Eventually(() => OutboxCount(otherJob), count => count == 0, "the other job's rows to be sent");

            await using var db = fixture.CreateDbContext();
            var left = await db.Outbox.AsNoTracking().Where(m => m.JobId == failingJob).OrderBy(m => m.Sequence).ToListAsync();
            Assert.Equal([failing.MessageId, behind.MessageId], left.Select(m => m.MessageId));
            Assert.True(left[0].Attempts >= 2);
            Assert.Contains("the broker refused this send (test)", left[0].LastError, StringComparison.Ordinal);

            // The row behind was never tried, so it has no attempts and was never published.
            Assert.Equal(0, left[1].Attempts);
            Assert.Null(left[1].LastError);
            Assert.False(harness.Published.Select<JobStateChanged>(m => m.Context.MessageId == behind.MessageId).Any());
            Assert.Equal(others.Select(r => r.MessageId),
                harness.Published.Select<JobStateChanged>(m => m.Context.Message.JobId == otherJob).Select(m => m.Context.MessageId!.Value));
            Assert.Empty(await db.DeadLetters.Where(d => d.JobId == failingJob).ToListAsync());
        }
        finally
        {
            await Cleanup(failingJob, otherJob);
        }
    }

    [Fact]
    public async Task A_broker_outage_dead_letters_nothing_and_the_backlog_goes_out_once_it_ends()
    {
        var jobId = Guid.NewGuid();
        var rows = Enumerable.Range(0, 3).Select(i => Row(jobId, StateChanged(jobId, $"during the outage {i}"), null, null)).ToArray();
        await Insert(rows);
        var outage = new BrokerOutage();
        try
        {
            await using var provider = fixture.BuildRelayHarness(
                bus => bus.ConfigurePublish(publish => publish.UseExecute(_ => outage.ThrowWhileDown())),
                relay =>
                {
                    relay.MaxAttempts = 2;
                    relay.MaxBackoff = TimeSpan.FromMilliseconds(400);
                });

            var harness = await provider.StartTestHarness();

            // Far more failed sends than MaxAttempts, and still nothing counted or dead-lettered.
            await PersistenceFixture.Eventually(() => Task.FromResult(outage.Refused), count => count >= 5, "five sends refused by the outage");
            await using (var db = fixture.CreateDbContext())
            {
                var left = await db.Outbox.AsNoTracking().Where(m => m.JobId == jobId).OrderBy(m => m.Sequence).ToListAsync();
                Assert.Equal(rows.Select(r => r.MessageId), left.Select(m => m.MessageId));
                Assert.All(left, m => Assert.Equal(0, m.Attempts));
                Assert.Contains("RabbitMqConnectionException", left[0].LastError, StringComparison.Ordinal);
                Assert.Empty(await db.DeadLetters.Where(d => d.JobId == jobId).ToListAsync());
            }

            outage.End();
            await PersistenceFixture.Eventually(() => OutboxCount(jobId), count => count == 0, "the backlog to be sent after the outage");
            Assert.True(await harness.Published.Any<JobStateChanged>(m => m.Context.Message.JobId == jobId));
            Assert.Equal(rows.Select(r => r.MessageId),
                harness.Published.Select<JobStateChanged>(m => m.Context.Message.JobId == jobId).Select(m => m.Context.MessageId!.Value));
        }
        finally
        {
            await Cleanup(jobId);
        }
    }

    [Fact]
    public async Task A_row_of_an_unknown_type_is_dead_lettered_at_once()
    {
        var jobId = Guid.NewGuid();
        var unknown = Row(jobId, StateChanged(jobId, "unknown"), null, null);
        unknown.MessageType = "System.IO.FileInfo";
        var behind = Row(jobId, StateChanged(jobId, "behind the unknown one"), null, null);
        await Insert(unknown, behind);
        try
        {
            await using var provider = fixture.BuildRelayHarness();
            var harness = await provider.StartTestHarness();

            await PersistenceFixture.Eventually(() => OutboxCount(jobId), count => count == 0, "the job's outbox rows to be gone");
            var letter = await DeadLetter(unknown.MessageId);
            Assert.NotNull(letter);
            Assert.StartsWith("not sent after 1 attempt(s): ", letter.Reason, StringComparison.Ordinal);
            Assert.Contains("is not a QueueFlow contract", letter.Reason, StringComparison.Ordinal);
            Assert.True(await harness.Published.Any<JobStateChanged>(m => m.Context.MessageId == behind.MessageId));
        }
        finally
        {
            await Cleanup(jobId);
        }
    }

    [Fact]
    public async Task Two_relays_on_one_database_send_each_row_once_and_keep_a_jobs_order()
    {
        const int count = 40;
        var jobId = Guid.NewGuid();
        var rows = Enumerable.Range(0, count)
            .Select(i => Row(jobId, StateChanged(jobId, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), null, null))
            .ToArray();
        await Insert(rows);
        await using var provider = fixture.BuildRelayHarness();
        var second = ActivatorUtilities.CreateInstance<OutboxRelay>(provider);

        var harness = await provider.StartTestHarness();
        await second.StartAsync(CancellationToken.None);
        try
        {
            await PersistenceFixture.Eventually(() => OutboxCount(jobId), c => c == 0, "both relays to empty the job's outbox rows");
        }
        finally
        {
            await second.StopAsync(CancellationToken.None);
        }

        Assert.True(await harness.Published.Any<JobStateChanged>(m => m.Context.Message.JobId == jobId));
        var relayed = harness.Published.Select<JobStateChanged>(m => m.Context.Message.JobId == jobId).ToList();
        Assert.Equal(rows.Select(r => r.MessageId), relayed.Select(m => m.Context.MessageId!.Value));
    }

    private static OutboxMessage Row(Guid jobId, object message, Uri? destination, Guid? requestId) => new()
    {
        MessageId = Guid.NewGuid(),
        JobId = jobId,
        MessageType = message.GetType().FullName!,
        Destination = destination,
        RequestId = requestId,
        Body = JsonSerializer.Serialize(message, message.GetType(), Json),
        CreatedAt = DateTimeOffset.UtcNow,
    };

    private static JobStateChanged StateChanged(Guid jobId, string reason) =>
        new() { JobId = jobId, Workflow = "probe", To = JobStatus.Running, Reason = reason, At = DateTimeOffset.UtcNow };

    private static CommandOutcome Outcome(Guid jobId) =>
        new() { JobId = jobId, Command = nameof(StartJob), Status = CommandStatus.Accepted };

    private async Task Insert(params OutboxMessage[] rows)
    {
        // One row per transaction, so the identity sequence is the order the rows are listed in.
        foreach (var row in rows)
        {
            await using var db = fixture.CreateDbContext();
            db.Outbox.Add(row);

            // Saving reads the identity back into row.Sequence.
            await db.SaveChangesAsync();
        }
    }

    private async Task<int> OutboxCount(params Guid[] jobIds)
    {
        await using var db = fixture.CreateDbContext();
        return await db.Outbox.CountAsync(m => m.JobId != null && jobIds.Contains(m.JobId.Value));
    }

    private async Task<DeadLetter?> DeadLetter(Guid messageId)
    {
        await using var db = fixture.CreateDbContext();
        return await db.DeadLetters.AsNoTracking().SingleOrDefaultAsync(d => d.MessageId == messageId);
    }

    private async Task Cleanup(params Guid[] jobIds)
    {
        await using var db = fixture.CreateDbContext();
        await db.Outbox.Where(m => m.JobId != null && jobIds.Contains(m.JobId.Value)).ExecuteDeleteAsync();
        await db.DeadLetters.Where(m => m.JobId != null && jobIds.Contains(m.JobId.Value)).ExecuteDeleteAsync();
    }
}
