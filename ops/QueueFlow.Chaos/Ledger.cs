using System.Globalization;
using System.Text;

namespace QueueFlow.Chaos;

/// <summary>
/// Accounts for every job, answer, dispatch and timer of a run, from the simulated workers' own records
/// and QueueFlow's database. A completion counts as applied when the job's history shows it for that
/// attempt, and as explained when the history shows it answered (rejected as stale, aborted for a finished
/// job); a RunTask is expected for every attempt the history shows started.
/// </summary>
internal static class Ledger
{
    const string Completed = "TaskCompleted";
    const string Running = "TaskRunning";
    const string Scheduled = "TaskScheduled";

    const int ExampleCount = 3;

    /// <param name="settled">Whether every job ended and everything went quiet in time: if not, work still queued is counted apart from lost work.</param>
    public static IReadOnlyList<LedgerLine> Build(ChaosRecords records, DatabaseView database, Backlog backlog, uint errorQueueMessages, bool settled)
    {
        var lines = new List<LedgerLine>();
        var byAttempt = database.History.ToLookup(r => r.AttemptId);

        // Left at the end: must be zero once the run settled, and is the backlog (not a loss) when it did not.
        LedgerLine Left(string section, string what, IReadOnlyCollection<Guid> ids) =>
            new(section, what, ids.Count, MustBeZero: settled, Backlog: !settled, Examples: [.. ids.Take(ExampleCount)]);
        static LedgerLine Zero(string section, string what, IReadOnlyCollection<Guid> ids) =>
            new(section, what, ids.Count, MustBeZero: true, Examples: [.. ids.Take(ExampleCount)]);

        // Jobs.
        long completed = 0, failedAsDesigned = 0;
        List<Guid> queued = [], deadLettered = [], lost = [], stuck = [], unexplained = [];
        foreach (var (jobId, start) in records.Jobs)
        {
            if (!database.Jobs.TryGetValue(jobId, out var job))
                (backlog.QueuedStarts.Contains(jobId) ? queued : backlog.DeadLettered.Contains(jobId) ? deadLettered : lost).Add(jobId);
            else if (job.Status is "Completed" && !start.Doomed)
                completed++;
            else if (job.Status is "Failed" && start.Doomed)
                failedAsDesigned++;
            else if (job.Status is "Completed" or "Failed" or "Cancelled")
                unexplained.Add(jobId);
            else
                stuck.Add(jobId);
        }

        lines.Add(new("jobs", "started (StartJob confirmed by the broker)", records.Jobs.Count));
        lines.Add(new("jobs", "completed", completed));
        lines.Add(new("jobs", "failed as designed (join failed for good)", failedAsDesigned));
        lines.Add(Left("jobs", "not started yet (StartJob still queued at the end)", queued));
        lines.Add(new("jobs", "not started: StartJob dead-lettered (see dead letters)", deadLettered.Count));
        lines.Add(Zero("jobs", "lost (not in the database, a queue or the dead letters)", lost));
        lines.Add(Zero("jobs", "stuck (not final at the end)", stuck));
        lines.Add(Zero("jobs", "unexplained end (not the designed one)", unexplained));

        // Completions and failures sent by the simulated workers.
        AddAnswers(lines, "task completions", records.Completions, byAttempt, r => r.Kind == Completed, backlog, Left, Zero);
        AddAnswers(lines, "task failures", records.Failures, byAttempt, r => r.Kind is "TaskFailed" || (r.Kind == Scheduled && r.From == "Running"), backlog, Left, Zero);
        lines.Add(Zero("task completions", "attempts completed twice in history (any attempt)",
            [.. byAttempt.Where(g => g.Count(r => r.Kind == Completed) > 1).Select(g => g.Key)]));

        // RunTask dispatches.
        var started = byAttempt.Where(g => g.Any(r => r.Kind == Running)).Select(g => g.Key).ToHashSet();
        var received = records.Dispatches;
        var notReceived = started.Where(a => !received.ContainsKey(a)).ToList();
        lines.Add(new("dispatches", "RunTask expected (attempts started in history)", started.Count));
        lines.Add(new("dispatches", "RunTask received (distinct attempts)", received.Count));
        lines.Add(new("dispatches", "duplicates on the wire (answered again, applied once)", received.Values.Sum(d => (long)d.Received - 1)));
        lines.Add(Left("dispatches", "not received yet (still in the task queue or the outbox)", [.. notReceived.Where(backlog.QueuedRunTasks.Contains)]));
        lines.Add(Zero("dispatches", "missing (started, never received, nowhere left)", [.. notReceived.Where(a => !backlog.QueuedRunTasks.Contains(a))]));
        lines.Add(Zero("dispatches", "unknown (received, never started)", [.. received.Keys.Where(a => !started.Contains(a))]));

        // Timers: timeouts of the attempts left unanswered, retry backoffs.
        static bool IsTimeout(HistoryRow r) =>
            r.Kind is "TaskTimedOut" or Scheduled && r.Detail is { } d && (d.Contains("timed out", StringComparison.Ordinal) || d.Contains("no heartbeat", StringComparison.Ordinal));
        var timeouts = byAttempt.Select(g => (g.Key, Count: g.Count(IsTimeout))).Where(t => t.Count > 0).ToDictionary(t => t.Key, t => t.Count);
        var stored = database.TriggerNames.Select(n => n.Split('/')).Where(p => p.Length >= 3 && Guid.TryParseExact(p[2], "N", out _)).Select(p => Guid.ParseExact(p[2], "N")).ToHashSet();
        var notFired = records.Ignored.Keys.Where(a => !timeouts.ContainsKey(a)).ToList();
        lines.Add(new("timers", "timeouts due (attempts left unanswered)", records.Ignored.Count));
        lines.Add(new("timers", "of those, fired", records.Ignored.Keys.Count(timeouts.ContainsKey)));
        lines.Add(Left("timers", "of those, not fired yet (trigger still stored)", [.. notFired.Where(stored.Contains)]));
        lines.Add(Zero("timers", "of those, never fired (no trigger left)", [.. notFired.Where(a => !stored.Contains(a))]));
        lines.Add(new("timers", "timeouts fired in all (late answers included)", timeouts.Count));
        lines.Add(Zero("timers", "timeouts fired twice", [.. timeouts.Where(t => t.Value > 1).Select(t => t.Key)]));

        long retriesDue = 0, retriesFired = 0;
        List<Guid> retriesTwice = [], retriesWaiting = [], retriesNotFired = [];
        foreach (var task in database.History.GroupBy(r => (r.JobId, r.TaskId)))
        {
            var due = task.Count(r => r.Kind == Scheduled && r.From == "Running");
            var runs = task.Count(r => r.Kind == Running);
            retriesDue += due;
            retriesFired += Math.Min(due, Math.Max(0, runs - 1));
            if (runs - 1 > due)
                retriesTwice.Add(task.Key.JobId);

            // A retry not run yet waits on its backoff timer, which is named after the job and the task.
            if (due > Math.Max(0, runs - 1))
            {
                var prefix = $"{task.Key.JobId:N}/{task.Key.TaskId}/";
                (database.TriggerNames.Any(n => n.StartsWith(prefix, StringComparison.Ordinal)) ? retriesWaiting : retriesNotFired).Add(task.Key.JobId);
            }
        }

        lines.Add(new("timers", "retry backoffs due", retriesDue));
        lines.Add(new("timers", "retry backoffs fired", retriesFired));
        lines.Add(Zero("timers", "retry backoffs fired twice (an extra attempt)", retriesTwice));
        lines.Add(Left("timers", "retry backoffs not fired yet (trigger still stored)", retriesWaiting));
        lines.Add(Zero("timers", "retry backoffs never fired (no trigger left)", retriesNotFired));
        lines.Add(new("timers", "Quartz triggers left at the end", database.Triggers, MustBeZero: settled, Backlog: !settled));

        // What could not be delivered or read: nothing the simulated workers send should end there.
        lines.Add(new("errors", "messages left in error queues", errorQueueMessages, MustBeZero: true));
        lines.Add(new("errors", "outbox rows left at the end", database.OutboxRows, MustBeZero: settled, Backlog: !settled));
        lines.Add(new("errors", "dead letters (reasons below)", database.DeadLetters.Sum(d => (long)d.Count), MustBeZero: true));
        return lines;
    }

    static void AddAnswers(List<LedgerLine> lines, string section, IReadOnlyDictionary<Guid, int> sent, ILookup<Guid, HistoryRow> byAttempt, Func<HistoryRow, bool> applies,
        Backlog backlog, Func<string, string, IReadOnlyCollection<Guid>, LedgerLine> left, Func<string, string, IReadOnlyCollection<Guid>, LedgerLine> zero)
    {
        long applied = 0, answered = 0;
        List<Guid> twice = [], queued = [], deadLettered = [], lost = [];
        foreach (var attempt in sent.Keys)
        {
            var rows = byAttempt[attempt];
            var count = rows.Count(applies);
            if (count > 0)
                applied++;
            if (count > 1)
                twice.Add(attempt);
            else if (count == 0 && rows.Any(r => r.Kind.StartsWith("Command", StringComparison.Ordinal)))
                answered++;
            else if (count == 0)
                (backlog.QueuedAnswers.Contains(attempt) ? queued : backlog.DeadLettered.Contains(attempt) ? deadLettered : lost).Add(attempt);
        }

        lines.Add(new(section, "sent (confirmed by the broker)", sent.Values.Sum(v => (long)v)));
        lines.Add(new(section, "attempts answered", sent.Count));
        lines.Add(new(section, "applied", applied));
        lines.Add(new(section, "not applied, answered with a reason (stale attempt, finished job)", answered));
        lines.Add(left(section, "not applied yet (still queued at the end)", queued));
        lines.Add(new(section, "not applied: dead-lettered (see dead letters)", deadLettered.Count));
        lines.Add(zero(section, "applied twice", twice));
        lines.Add(zero(section, "lost (not applied, not answered, nowhere left)", lost));
    }

    public static string Render(IReadOnlyList<LedgerLine> lines, IReadOnlyList<(string Source, string Reason, int Count)> deadLetters)
    {
        var text = new StringBuilder();
        text.AppendLine("| | | count | must be 0 |");
        text.AppendLine("|---|---|---:|---|");
        foreach (var line in lines)
        {
            var flag = line.MustBeZero ? (line.Failed ? "**NO**" : "ok") : line.Backlog ? "(not settled)" : string.Empty;
            text.AppendLine(CultureInfo.InvariantCulture, $"| {line.Section} | {line.What} | {line.Count:N0} | {flag} |");
        }

        foreach (var (source, reason, count) in deadLetters)
            text.AppendLine(CultureInfo.InvariantCulture, $"| dead letter | {source}: {reason.ReplaceLineEndings(" ").Replace("|", "/", StringComparison.Ordinal)} | {count:N0} | |");

        // A few ids of each line that is not as it must be, to look up in the history and the worker logs.
        foreach (var line in lines.Where(l => (l.Failed || l.Backlog) && l.Examples is { Count: > 0 }))
            text.AppendLine(CultureInfo.InvariantCulture, $"  e.g. {line.Section} {line.What}: {string.Join(", ", line.Examples!)}");
        return text.ToString();
    }
}
