using System.Text.Json;
using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using QueueFlow.Contracts;
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
    public async Task A_failed_send_leaves_the_rows_in_place_for_the_next_pass()
    {
        var jobId = Guid.NewGuid();
        var failures = new FailureCounter();
        var unreachable = Row(jobId, Outcome(jobId), new Uri($"queue:unreachable-{jobId:N}"), requestId: null);
        var published = Row(jobId, StateChanged(jobId, "behind the failing one"), destination: null, requestId: null);
        await Insert(unreachable, published);
        try
        {
            await using var provider = fixture.BuildRelayHarness(bus => bus.ConfigureSend(send => send.UseExecute(context =>
            {
                if (context.DestinationAddress?.AbsolutePath.Contains("unreachable", StringComparison.Ordinal) == true)
                    failures.Fail();
            })));

            await provider.StartTestHarness();

            // Two failed passes: the first rolled back, and the second found the rows again.
            await PersistenceFixture.Eventually(() => Task.FromResult(failures.Count), count => count >= 2, "two failed relay passes");
            Assert.Equal(2, await OutboxCount(jobId));
        }
        finally
        {
            await using var db = fixture.CreateDbContext();
            await db.Outbox.Where(m => m.JobId == jobId).ExecuteDeleteAsync();
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
            await db.SaveChangesAsync();
        }
    }

    private async Task<int> OutboxCount(Guid jobId)
    {
        await using var db = fixture.CreateDbContext();
        return await db.Outbox.CountAsync(m => m.JobId == jobId);
    }
}
