using System.CommandLine;
using System.Text.Json;

namespace QueueFlow.Cli;

/// <summary><c>queueflow status</c>: the overview an on-call person wants first.</summary>
public static class StatusCommand
{
    public static Command Build()
    {
        var command = new Command("status", "Jobs and tasks per status, backlog per task queue, dead letters, the oldest running task, outbox and timer lag");
        command.SetAction(async (parse, ct) => await JobCommands.Print(parse, "api/overview", overview =>
        {
            Output.Table(["jobs", "count"], Counts(overview, "jobs"));
            Output.Table(["tasks", "count"], Counts(overview, "tasks"));
            Output.Table(["queue", "waiting", "unacked", "consumers", "running", "failed"], Queues(overview));
            Output.Table(["dead letters", "count"], Counts(overview, "deadLetters"));
            var oldest = overview.GetProperty("oldestRunningTask");
            Console.Out.WriteLine(oldest.ValueKind == JsonValueKind.Object
                ? $"oldest running task: {Output.Text(oldest, "taskId")} of job {Output.Text(oldest, "jobId")} on {Output.Text(oldest, "queue")}, {Seconds(oldest, "ageSeconds")} s"
                : "oldest running task: none");
            Console.Out.WriteLine($"outbox: {Output.Text(overview.GetProperty("outbox"), "waiting")} waiting, {Seconds(overview.GetProperty("outbox"), "lagSeconds")} s behind");
            Console.Out.WriteLine($"timers: {Output.Text(overview.GetProperty("timers"), "waiting")} overdue, {Seconds(overview.GetProperty("timers"), "lagSeconds")} s behind");
        }, ct).ConfigureAwait(false));
        return command;
    }

    static IEnumerable<string?[]> Counts(JsonElement overview, string property) =>
        overview.GetProperty(property).EnumerateObject().Select(p => new[] { p.Name, p.Value.GetRawText() });

    /// <summary>One row per task queue: the broker's backlog ("?" when the broker could not be read) beside the tasks the database holds.</summary>
    static IEnumerable<string?[]> Queues(JsonElement overview) =>
        overview.TryGetProperty("queues", out var queues) && queues.ValueKind == JsonValueKind.Array
            ? queues.EnumerateArray().Select(q =>
            {
                var backlog = q.GetProperty("backlog");
                var known = backlog.ValueKind == JsonValueKind.Object;
                return new[]
                {
                    Output.Text(q, "queue"),
                    known ? Output.Text(backlog, "ready") : "?",
                    known ? Output.Text(backlog, "unacknowledged") : "?",
                    known ? Output.Text(backlog, "consumers") : "?",
                    Output.Text(q.GetProperty("tasks"), "Running"),
                    Output.Text(q.GetProperty("tasks"), "Failed"),
                };
            })
            : [];

    static string Seconds(JsonElement element, string property) =>
        element.GetProperty(property).GetDouble().ToString("0", System.Globalization.CultureInfo.InvariantCulture);
}
