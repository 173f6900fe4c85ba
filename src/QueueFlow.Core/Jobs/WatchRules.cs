using QueueFlow.Contracts;

namespace QueueFlow.Core.Jobs;

/// <summary>
/// Watchers of a job, after Itential's watch and unwatch: each watcher gets a copy of every JobStateChanged,
/// TaskStateChanged and TaskAssigneeChanged of the job from then on (<see cref="WatchDestination"/>). A Failed job may be watched, since
/// it can be retried; a Completed or Cancelled one never changes again (Aborted).
/// </summary>
public static class WatchRules
{
    /// <summary>A RabbitMQ routing key is at most 255 bytes; the watcher is one.</summary>
    public const int MaxWatcherBytes = 255;

    /// <summary>The most watchers one job keeps: each costs one more message per event.</summary>
    public const int MaxWatchers = 100;

    public static CommandOutcome Watch(Job job, WatchJob command, DateTimeOffset now)
    {
        const string name = nameof(WatchJob);
        if (Check(job, command.Watcher, name, command.CommandId, now) is { } problem)
            return problem;
        if (job.Watchers.Contains(command.Watcher))
            return CommandLog.Remember(job, Outcomes.Accepted(job, null, name, command.CommandId) with { Duplicate = true });
        if (job.Watchers.Count >= MaxWatchers)
            return CommandLog.Remember(job, Outcomes.NotApplied(job, null, name, command.CommandId, CommandStatus.Rejected, $"job {job.CorrelationId} already has {MaxWatchers} watchers, the most it keeps", now));

        job.Watchers.Add(command.Watcher);
        Record(job, command.CommandId, now, "JobWatched", command.Watcher);
        return CommandLog.Remember(job, Outcomes.Accepted(job, null, name, command.CommandId));
    }

    /// <summary>Unwatching a job one does not watch changes nothing and is answered as a duplicate.</summary>
    public static CommandOutcome Unwatch(Job job, UnwatchJob command, DateTimeOffset now)
    {
        const string name = nameof(UnwatchJob);
        if (Check(job, command.Watcher, name, command.CommandId, now) is { } problem)
            return problem;
        if (!job.Watchers.Remove(command.Watcher))
            return CommandLog.Remember(job, Outcomes.Accepted(job, null, name, command.CommandId) with { Duplicate = true });

        Record(job, command.CommandId, now, "JobUnwatched", command.Watcher);
        return CommandLog.Remember(job, Outcomes.Accepted(job, null, name, command.CommandId));
    }

    static CommandOutcome? Check(Job job, string watcher, string name, Guid? commandId, DateTimeOffset now)
    {
        if (CommandLog.Repeat(job, commandId, name) is { } repeat)
            return repeat;
        if (job.Status is JobStatus.Completed or JobStatus.Cancelled)
            return CommandLog.Remember(job, Outcomes.NotApplied(job, null, name, commandId, CommandStatus.Aborted, $"job {job.CorrelationId} is {job.Status}: it sends no more events", now));
        if (string.IsNullOrWhiteSpace(watcher) || System.Text.Encoding.UTF8.GetByteCount(watcher) > MaxWatcherBytes || watcher.Any(char.IsControl))
            return CommandLog.Remember(job, Outcomes.NotApplied(job, null, name, commandId, CommandStatus.Rejected, $"watcher must be 1 to {MaxWatcherBytes} bytes of UTF-8 without control characters", now));
        return null;
    }

    static void Record(Job job, Guid? commandId, DateTimeOffset now, string kind, string watcher)
    {
        job.HistoryCount++;
        job.Changes.History.Add(new JobHistoryEntry { JobId = job.CorrelationId, Sequence = job.HistoryCount, At = now, Kind = kind, CommandId = commandId, Detail = watcher });
        job.UpdatedAt = now;
    }
}
