using MassTransit;
using QueueFlow.Contracts;

namespace QueueFlow.Core.Jobs;

/// <summary>
/// Where a replayed command came from: the dead-letter store sends a replay with these headers, and the job's history
/// then says, right after the command's own changes, that the command was a replay, of which dead letter and by whom.
/// </summary>
public static class ReplayProvenance
{
    /// <summary>The dead letter's id.</summary>
    public const string ReplayOfHeader = "QF-Replay-Of";

    /// <summary>The name of the API key that asked for the replay.</summary>
    public const string ReplayedByHeader = "QF-Replayed-By";

    public const string HistoryKind = "CommandReplayed";

    /// <summary>Adds the entry to the job's pending history, after the entries this command made, when the command is a replay.</summary>
    public static void Record(Job job, ConsumeContext context, CommandOutcome outcome, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(outcome);
        if (context.Headers.Get<string>(ReplayOfHeader) is not { Length: > 0 } deadLetter)
            return;

        var by = context.Headers.Get<string>(ReplayedByHeader) ?? "unknown";
        job.HistoryCount++;
        job.Changes.History.Add(new JobHistoryEntry
        {
            JobId = job.CorrelationId,
            Sequence = job.HistoryCount,
            At = now,
            Kind = HistoryKind,
            TaskId = outcome.TaskId,
            CommandId = outcome.CommandId,
            Detail = $"{outcome.Command} replayed from dead letter {deadLetter} by {by} ({outcome.Status})",
        });
    }
}
