using System.Collections.Concurrent;
using System.Text.Json;
using MassTransit;
using QueueFlow.Core.Jobs;

namespace QueueFlow.UnitTests.Jobs;

/// <summary>
/// Runs around every message the job saga applies in the unit scenarios and checks its change set: each task whose
/// row the message changed must be named in it, since the repository writes only the tasks named there. The change
/// set is emptied before the message, so what it names is this message's alone; what earlier messages queued is put
/// back in front afterwards, as the scenarios read everything sent since the job started.
/// </summary>
public sealed class ChangeSetCheck : IFilter<SagaConsumeContext<Job>>
{
    public ConcurrentQueue<string> Misses { get; } = new();

    public async Task Send(SagaConsumeContext<Job> context, IPipe<SagaConsumeContext<Job>> next)
    {
        var changes = context.Saga.Changes;
        var before = context.Saga.Tasks.ToDictionary(t => t.TaskId, Row, StringComparer.Ordinal);
        List<JobHistoryEntry> history = [.. changes.History];
        List<OutgoingMessage> messages = [.. changes.Messages];
        List<TimerChange> timers = [.. changes.Timers];
        List<QueueFlow.Contracts.CommandOutcome> outcomes = [.. changes.Outcomes];
        changes.Clear();
        try
        {
            await next.Send(context);
        }
        finally
        {
            foreach (var task in context.Saga.Tasks)
            {
                if (before.TryGetValue(task.TaskId, out var row) && row != Row(task) && !changes.Tasks.Contains(task))
                    Misses.Enqueue($"{context.GetType().GetGenericArguments().LastOrDefault()?.Name ?? "a message"} changed task '{task.TaskId}' without naming it in the change set: {row} -> {Row(task)}");
            }

            changes.History.InsertRange(0, history);
            changes.Messages.InsertRange(0, messages);
            changes.Timers.InsertRange(0, timers);
            changes.Outcomes.InsertRange(0, outcomes);
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("changeSetCheck");

    static string Row(JobTask task) => JsonSerializer.Serialize(task);
}
