using MassTransit;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;

namespace QueueFlow.UnitTests.Jobs;

/// <summary>A command replayed from the dead-letter store is named as a replay in the job's history, right after its own changes.</summary>
public sealed class When_a_replayed_command_is_applied : JobSagaScenario
{
    [Fact]
    public async Task Should_record_which_dead_letter_and_who_after_the_commands_own_changes()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");
        var deadLetter = Guid.NewGuid();
        var commandId = NewId.NextGuid();

        await Harness.Bus.Publish(new PauseJob { JobId = JobId, Reason = "maintenance", CommandId = commandId }, c =>
        {
            c.Headers.Set(ReplayProvenance.ReplayOfHeader, deadLetter.ToString());
            c.Headers.Set(ReplayProvenance.ReplayedByHeader, "oncall");
        });
        Assert.True(await Saga.Consumed.Any<PauseJob>(m => m.Context.Message.CommandId == commandId));

        var history = Job.Changes.History.OrderBy(h => h.Sequence).ToList();
        var replay = history.FindIndex(h => h.Kind == ReplayProvenance.HistoryKind);
        Assert.True(replay >= 0, "no CommandReplayed entry");
        Assert.Equal($"PauseJob replayed from dead letter {deadLetter} by oncall (Accepted)", history[replay].Detail);
        Assert.Equal(commandId, history[replay].CommandId);
        Assert.Equal("JobPaused", history[replay - 1].Kind);
        Assert.Equal(Enumerable.Range(1, history.Count), history.Select(h => h.Sequence));
        Assert.Equal(history.Count, Job.HistoryCount);
    }

    [Fact]
    public async Task Should_record_nothing_for_a_command_that_is_not_a_replay()
    {
        await StartAsync("diamond", """{ "orderId": "O-1" }""");

        await SendAsync(new PauseJob { JobId = JobId, CommandId = NewId.NextGuid() });

        Assert.DoesNotContain(Job.Changes.History, h => h.Kind == ReplayProvenance.HistoryKind);
    }
}
