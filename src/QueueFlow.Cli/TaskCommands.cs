using System.CommandLine;

namespace QueueFlow.Cli;

/// <summary><c>queueflow tasks retry</c>: every Failed or TimedOut task of a filter, a page at a time.</summary>
public static class TaskCommands
{
    public static Command Build()
    {
        var tasks = new Command("tasks", "Work on tasks across jobs");
        var workflow = new Option<string?>("--workflow") { Description = "The jobs' workflow" };
        var queue = new Option<string?>("--queue") { Description = "The task's queue" };
        var task = new Option<string?>("--task") { Description = "The task id" };
        var error = new Option<string?>("--error") { Description = "Text the task's error contains (case-insensitive)" };
        var status = new Option<string?>("--status") { Description = "Failed or TimedOut (default: both)" };
        var from = new Option<DateTimeOffset?>("--from") { Description = "Ended at or after (ISO 8601)" };
        var to = new Option<DateTimeOffset?>("--to") { Description = "Ended before (ISO 8601)" };
        var limit = new Option<int?>("--page-size") { Description = "Tasks per request (1-1000, default 100)" };
        var reason = new Option<string?>("--reason") { Description = "Why, kept in each job's history" };
        var key = new Option<string?>("--idempotency-key") { Description = "Makes a repeated run apply once" };
        var count = FilterCount.Option("Failed or TimedOut tasks");
        var retry = new Command("retry", "Retry every Failed or TimedOut task matching the filter") { workflow, queue, task, error, status, from, to, limit, reason, key, count };
        retry.SetAction(async (parse, ct) =>
        {
            var filter = new
            {
                workflow = parse.GetValue(workflow), queue = parse.GetValue(queue), taskId = parse.GetValue(task), error = parse.GetValue(error),
                status = parse.GetValue(status), from = parse.GetValue(from), to = parse.GetValue(to),
            };
            if (parse.GetValue(count))
                return await FilterCount.RunAsync(parse, "api/tasks/retry/count", filter, "Failed or TimedOut tasks", ct).ConfigureAwait(false);
            using var client = GlobalOptions.Client(parse);
            return await BulkRun.RunAsync(GlobalOptions.Output(parse), client, "api/tasks/retry",
                cursor => new { filter, limit = parse.GetValue(limit), cursor, reason = parse.GetValue(reason) }, "retried", "retried",
                parse.GetValue(key), ct).ConfigureAwait(false);
        });
        tasks.Subcommands.Add(retry);
        return tasks;
    }
}
