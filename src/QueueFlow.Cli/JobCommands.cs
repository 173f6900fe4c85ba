using System.CommandLine;
using System.Text.Json;

namespace QueueFlow.Cli;

/// <summary><c>queueflow jobs list|show|history|start|pause|resume|cancel|retry|continue|revert</c>.</summary>
public static class JobCommands
{
    public static Command Build()
    {
        var jobs = new Command("jobs", "List, read and steer jobs");
        jobs.Subcommands.Add(List());
        jobs.Subcommands.Add(Show());
        jobs.Subcommands.Add(History());
        jobs.Subcommands.Add(WatchCommand.Build());
        jobs.Subcommands.Add(Start());
        jobs.Subcommands.Add(Control("pause", "Pause a running job"));
        jobs.Subcommands.Add(Control("resume", "Resume a paused job"));
        jobs.Subcommands.Add(JobBulkCommands.Cancel());
        jobs.Subcommands.Add(Retry());
        jobs.Subcommands.Add(JobBulkCommands.Continue());
        jobs.Subcommands.Add(Revert());
        return jobs;
    }

    static Command List()
    {
        var status = new Option<string?>("--status") { Description = "Running, Paused, Completed, Failed or Cancelled" };
        var workflow = new Option<string?>("--workflow") { Description = "The workflow's name" };
        var limit = new Option<int?>("--limit") { Description = "At most this many (1-500)" };
        var cursor = new Option<string?>("--cursor") { Description = "nextCursor of the previous page" };
        var command = new Command("list", "List jobs, newest first") { status, workflow, limit, cursor };
        command.SetAction(async (parse, ct) =>
        {
            var route = QueryString.Of("api/jobs", ("status", parse.GetValue(status)), ("workflow", parse.GetValue(workflow)),
                ("limit", parse.GetValue(limit)), ("cursor", parse.GetValue(cursor)));
            return await Print(parse, route, page =>
            {
                Output.Table(["id", "workflow", "status", "created"], page.GetProperty("items").EnumerateArray()
                    .Select(j => new[] { Output.Text(j, "id"), Output.Text(j, "workflow"), Output.Text(j, "status"), Output.Text(j, "createdAt") }));
                if (Output.Text(page, "nextCursor") is { } next)
                    Console.Out.WriteLine($"more: --cursor {next}");
            }, ct).ConfigureAwait(false);
        });
        return command;
    }

    static Command Show()
    {
        var id = new Argument<string>("id") { Description = "The job's id" };
        var command = new Command("show", "A job with its tasks") { id };
        command.SetAction(async (parse, ct) => await Print(parse, $"api/jobs/{Uri.EscapeDataString(parse.GetValue(id)!)}", job =>
        {
            Console.Out.WriteLine($"job {Output.Text(job, "id")}  {Output.Text(job, "workflow")} v{Output.Text(job, "version")}  {Output.Text(job, "status")}");
            Output.Table(["task", "status", "attempt", "queue", "error"], job.GetProperty("tasks").EnumerateArray()
                .Select(t => new[] { Output.Text(t, "taskId"), Output.Text(t, "status"), Output.Text(t, "attempt"), Output.Text(t, "queue"), Output.Text(t, "error") }));
        }, ct).ConfigureAwait(false));
        return command;
    }

    static Command History()
    {
        var id = new Argument<string>("id") { Description = "The job's id" };
        var command = new Command("history", "A job's history, oldest first") { id };
        command.SetAction(async (parse, ct) => await Print(parse, $"api/jobs/{Uri.EscapeDataString(parse.GetValue(id)!)}/history?limit=500", page =>
            Output.Table(["#", "at", "kind", "task", "detail"], page.GetProperty("items").EnumerateArray()
                .Select(h => new[] { Output.Text(h, "sequence"), Output.Text(h, "at"), Output.Text(h, "kind"), Output.Text(h, "taskId"), Output.Text(h, "detail") })), ct)
            .ConfigureAwait(false));
        return command;
    }

    static Command Start()
    {
        var workflow = new Argument<string>("workflow") { Description = "The workflow's name" };
        var variables = new Option<string?>("--variables") { Description = "The job's variables, a JSON object" };
        var command = new Command("start", "Start a job") { workflow, variables };
        command.SetAction(async (parse, ct) =>
        {
            JsonElement? vars = null;
            if (parse.GetValue(variables) is { } text)
            {
                try
                {
                    vars = JsonDocument.Parse(text).RootElement.Clone();
                }
                catch (JsonException e)
                {
                    Console.Error.WriteLine($"error: --variables is not JSON: {e.Message}");
                    return ExitCodes.Invalid;
                }
            }

            return await Post(parse, "api/jobs", new { workflow = parse.GetValue(workflow), variables = vars }, ct).ConfigureAwait(false);
        });
        return command;
    }

    static Command Control(string verb, string description)
    {
        var id = new Argument<string>("id") { Description = "The job's id" };
        var reason = new Option<string?>("--reason") { Description = "Why, kept in the job's history" };
        var command = new Command(verb, description) { id, reason };
        command.SetAction(async (parse, ct) => await Post(parse, $"api/jobs/{Uri.EscapeDataString(parse.GetValue(id)!)}/{verb}",
            new { reason = parse.GetValue(reason) }, ct).ConfigureAwait(false));
        return command;
    }

    static Command Retry()
    {
        var id = new Argument<string>("id") { Description = "The job's id" };
        var task = new Argument<string>("task") { Description = "The Failed or TimedOut task to run again" };
        var reason = new Option<string?>("--reason") { Description = "Why, kept in the job's history" };
        var command = new Command("retry", "Retry a Failed or TimedOut task of a job") { id, task, reason };
        command.SetAction(async (parse, ct) => await Post(parse,
            $"api/jobs/{Uri.EscapeDataString(parse.GetValue(id)!)}/tasks/{Uri.EscapeDataString(parse.GetValue(task)!)}/retry",
            new { reason = parse.GetValue(reason) }, ct).ConfigureAwait(false));
        return command;
    }

    static Command Revert()
    {
        var id = new Argument<string>("id") { Description = "The job's id" };
        var to = new Option<string>("--to-task") { Description = "The completed task to run again from", Required = true };
        var from = new Option<string?>("--from-task") { Description = "The errored task to revert from" };
        var command = new Command("revert", "Revert a job to an earlier completed task") { id, to, from };
        command.SetAction(async (parse, ct) => await Post(parse, $"api/jobs/{Uri.EscapeDataString(parse.GetValue(id)!)}/revert",
            new { toTask = parse.GetValue(to), fromTask = parse.GetValue(from) }, ct).ConfigureAwait(false));
        return command;
    }

    /// <summary>GETs a route and prints it as JSON or with <paramref name="human"/>.</summary>
    public static async Task<int> Print(ParseResult parse, string route, Action<JsonElement> human, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(human);
        var output = GlobalOptions.Output(parse);
        using var client = GlobalOptions.Client(parse);
        var answer = await client.GetAsync(route, cancellationToken).ConfigureAwait(false);
        if (!answer.Ok)
            return output.Fail(answer);
        if (output.Json)
            Output.Write(answer.Body);
        else
            human(answer.Body);
        return ExitCodes.Ok;
    }

    /// <summary>POSTs a command and prints the outcome.</summary>
    public static async Task<int> Post(ParseResult parse, string route, object body, CancellationToken cancellationToken)
    {
        var output = GlobalOptions.Output(parse);
        using var client = GlobalOptions.Client(parse);
        var answer = await client.PostAsync(route, body, null, cancellationToken).ConfigureAwait(false);
        if (!answer.Ok)
            return output.Fail(answer);
        if (output.Json)
            Output.Write(answer.Body);
        else
            Console.Out.WriteLine(string.Join("  ", answer.Body.EnumerateObject().Where(p => p.Value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Object or JsonValueKind.Array))
                .Select(p => $"{p.Name}: {Output.Text(answer.Body, p.Name)}")));
        return ExitCodes.Ok;
    }
}
