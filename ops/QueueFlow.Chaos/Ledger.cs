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

    public static IReadOnlyList<LedgerLine> Build(ChaosRecords records, DatabaseView database, uint errorQueueMessages)
    {
        var lines = new List<LedgerLine>();
        var byAttempt = database.History.ToLookup(r => r.AttemptId);

        // Jobs.
        long completed = 0, failedAsDesigned = 0, lost = 0, stuck = 0, unexplained = 0;
        foreach (var (jobId, start) in records.Jobs)
        {
            if (!database.Jobs.TryGetValue(jobId, out var job))
                lost++;
            else if (job.Status is "Completed" && !start.Doomed)
                completed++;
            else if (job.Status is "Failed" && start.Doomed)
                failedAsDesigned++;
            else if (job.Status is "Completed" or "Failed" or "Cancelled")
                unexplained++;
            else
                stuck++;
        }

        lines.Add(new("jobs", "started (StartJob confirmed by the broker)", records.Jobs.Count));
        lines.Add(new("jobs", "completed", completed));
        lines.Add(new("jobs", "failed as designed (join failed for good)", failedAsDesigned));
        lines.Add(new("jobs", "lost (started, not in the database)", lost, MustBeZero: true));
        lines.Add(new("jobs", "stuck (not final at the end)", stuck, MustBeZero: true));
        lines.Add(new("jobs", "unexplained end (not the designed one)", unexplained, MustBeZero: true));

        // Completions and failures sent by the simulated workers.
        AddAnswers(lines, "task completions", records.Completions, byAttempt, r => r.Kind == Completed);
        AddAnswers(lines, "task failures", records.Failures, byAttempt, r => r.Kind is "TaskFailed" || (r.Kind == Scheduled && r.From == "Running"));
        lines.Add(new("task completions", "attempts completed twice in history (any attempt)",
            byAttempt.Count(g => g.Count(r => r.Kind == Completed) > 1), MustBeZero: true));

        // RunTask dispatches.
        var started = byAttempt.Where(g => g.Any(r => r.Kind == Running)).Select(g => g.Key).ToHashSet();
        var received = records.Dispatches;
        lines.Add(new("dispatches", "RunTask expected (attempts started in history)", started.Count));
        lines.Add(new("dispatches", "RunTask received (distinct attempts)", received.Count));
        lines.Add(new("dispatches", "duplicates on the wire (answered again, applied once)", received.Values.Sum(d => (long)d.Received - 1)));
        lines.Add(new("dispatches", "missing (started, never received)", started.Count(a => !received.ContainsKey(a)), MustBeZero: true));
        lines.Add(new("dispatches", "unknown (received, never started)", received.Keys.Count(a => !started.Contains(a)), MustBeZero: true));

        // Timers: timeouts of the attempts left unanswered, retry backoffs.
        static bool IsTimeout(HistoryRow r) =>
            r.Kind is "TaskTimedOut" or Scheduled && r.Detail is { } d && (d.Contains("timed out", StringComparison.Ordinal) || d.Contains("no heartbeat", StringComparison.Ordinal));
        var timeouts = byAttempt.Select(g => (g.Key, Count: g.Count(IsTimeout))).Where(t => t.Count > 0).ToDictionary(t => t.Key, t => t.Count);
        lines.Add(new("timers", "timeouts due (attempts left unanswered)", records.Ignored.Count));
        lines.Add(new("timers", "of those, fired", records.Ignored.Keys.Count(timeouts.ContainsKey)));
        lines.Add(new("timers", "of those, never fired", records.Ignored.Keys.Count(a => !timeouts.ContainsKey(a)), MustBeZero: true));
        lines.Add(new("timers", "timeouts fired in all (late answers included)", timeouts.Count));
        lines.Add(new("timers", "timeouts fired twice", timeouts.Values.Count(c => c > 1), MustBeZero: true));

        long retriesDue = 0, retriesFired = 0, retriesTwice = 0, retriesNotFired = 0;
        foreach (var task in database.History.GroupBy(r => (r.JobId, r.TaskId)))
        {
            var due = task.Count(r => r.Kind == Scheduled && r.From == "Running");
            var runs = task.Count(r => r.Kind == Running);
            retriesDue += due;
            retriesFired += Math.Min(due, Math.Max(0, runs - 1));
            retriesTwice += Math.Max(0, runs - 1 - due);
            retriesNotFired += Math.Max(0, due - Math.Max(0, runs - 1));
        }

        lines.Add(new("timers", "retry backoffs due", retriesDue));
        lines.Add(new("timers", "retry backoffs fired", retriesFired));
        lines.Add(new("timers", "retry backoffs fired twice (an extra attempt)", retriesTwice, MustBeZero: true));
        lines.Add(new("timers", "retry backoffs never fired", retriesNotFired, MustBeZero: true));
        lines.Add(new("timers", "Quartz triggers left at the end", database.Triggers, MustBeZero: true));

        // What could not be delivered or read: nothing the simulated workers send should end there.
        lines.Add(new("errors", "messages left in error queues", errorQueueMessages, MustBeZero: true));
        lines.Add(new("errors", "outbox rows left at the end", database.OutboxRows, MustBeZero: true));
        lines.Add(new("errors", "dead letters (reasons below)", database.DeadLetters.Sum(d => (long)d.Count), MustBeZero: true));
        return lines;
    }

    static void AddAnswers(List<LedgerLine> lines, string section, IReadOnlyDictionary<Guid, int> sent, ILookup<Guid, HistoryRow> byAttempt, Func<HistoryRow, bool> applies)
    {
        long applied = 0, twice = 0, answered = 0, lost = 0;
        foreach (var attempt in sent.Keys)
        {
            var rows = byAttempt[attempt];
            var count = rows.Count(applies);
            if (count > 0)
                applied++;
            if (count > 1)
                twice++;
            else if (count == 0 && rows.Any(r => r.Kind.StartsWith("Command", StringComparison.Ordinal)))
                answered++;
            else if (count == 0)
                lost++;
        }

        lines.Add(new(section, "sent (confirmed by the broker)", sent.Values.Sum(v => (long)v)));
        lines.Add(new(section, "attempts answered", sent.Count));
        lines.Add(new(section, "applied", applied));
        lines.Add(new(section, "not applied, answered with a reason (stale attempt, finished job)", answered));
        lines.Add(new(section, "applied twice", twice, MustBeZero: true));
        lines.Add(new(section, "lost (neither applied nor answered)", lost, MustBeZero: true));
    }

    public static string Render(IReadOnlyList<LedgerLine> lines, IReadOnlyList<(string Source, string Reason, int Count)> deadLetters)
    {
        var text = new StringBuilder();
        text.AppendLine("| | | count | must be 0 |");
        text.AppendLine("|---|---|---:|---|");
        foreach (var line in lines)
        {
            var flag = line.MustBeZero ? (line.Failed ? "**NO**" : "ok") : string.Empty;
            text.AppendLine(CultureInfo.InvariantCulture, $"| {line.Section} | {line.What} | {line.Count:N0} | {flag} |");
        }

        foreach (var (source, reason, count) in deadLetters)
            text.AppendLine(CultureInfo.InvariantCulture, $"| dead letter | {source}: {reason.ReplaceLineEndings(" ").Replace("|", "/", StringComparison.Ordinal)} | {count:N0} | |");
        return text.ToString();
    }
}
