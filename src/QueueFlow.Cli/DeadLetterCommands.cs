using System.CommandLine;
using System.Text.Json;

namespace QueueFlow.Cli;

/// <summary><c>queueflow dead-letters list|show|replay|discard</c>.</summary>
public static class DeadLetterCommands
{
    static readonly string[] ShowFields =
        ["id", "status", "source", "sourceName", "messageType", "destination", "messageId", "jobId", "taskId", "seenCount", "firstSeenAt", "lastSeenAt", "reason"];

    public static Command Build()
    {
        var deadLetters = new Command("dead-letters", "Messages QueueFlow could not take: read, replay, discard");
        deadLetters.Subcommands.Add(List());
        deadLetters.Subcommands.Add(Show());
        deadLetters.Subcommands.Add(Act("replay", "Replay dead letters through the outbox (at most once each)", edit: true));
        deadLetters.Subcommands.Add(Act("discard", "Discard dead letters, keeping an audit row", edit: false));
        return deadLetters;
    }

    static Command List()
    {
        var status = new Option<string?>("--status") { Description = "Pending, Replayed or Discarded" };
        var source = new Option<string?>("--source") { Description = "Queue or Outbox" };
        var error = new Option<string?>("--error") { Description = "Text the reason contains" };
        var type = new Option<string?>("--type") { Description = "Text the message type contains" };
        var job = new Option<string?>("--job") { Description = "The job id it names" };
        var limit = new Option<int?>("--limit") { Description = "At most this many (1-500)" };
        var cursor = new Option<string?>("--cursor") { Description = "nextCursor of the previous page" };
        var command = new Command("list", "List dead letters, newest first") { status, source, error, type, job, limit, cursor };
        command.SetAction(async (parse, ct) =>
        {
            var route = QueryString.Of("api/dead-letters", ("status", parse.GetValue(status)), ("source", parse.GetValue(source)),
                ("reason", parse.GetValue(error)), ("messageType", parse.GetValue(type)), ("jobId", parse.GetValue(job)),
                ("limit", parse.GetValue(limit)), ("cursor", parse.GetValue(cursor)));
            return await JobCommands.Print(parse, route, page =>
            {
                Output.Table(["id", "status", "source", "type", "job", "task", "seen", "last seen", "reason"], page.GetProperty("items").EnumerateArray()
                    .Select(d => new[]
                    {
                        Output.Text(d, "id"), Output.Text(d, "status"), Output.Text(d, "sourceName"), Output.Text(d, "messageType"), Output.Text(d, "jobId"),
                        Output.Text(d, "taskId"), Output.Text(d, "seenCount"), Output.Text(d, "lastSeenAt"), Cut(Output.Text(d, "reason")),
                    }));
                if (Output.Text(page, "nextCursor") is { } next)
                    Console.Out.WriteLine($"more: --cursor {next}");
            }, ct).ConfigureAwait(false);
        });
        return command;
    }

    static Command Show()
    {
        var id = new Argument<string>("id") { Description = "The dead letter's id" };
        var command = new Command("show", "A dead letter with its headers, body and audit") { id };
        command.SetAction(async (parse, ct) => await JobCommands.Print(parse, $"api/dead-letters/{Uri.EscapeDataString(parse.GetValue(id)!)}", d =>
        {
            foreach (var field in ShowFields)
                Console.Out.WriteLine($"{field}: {Output.Text(d, field) ?? "-"}");
            // A message the database refused as it came is stored with its headers and first reason as base64: show them decoded.
            if (Output.Text(d, "firstReason") is { } firstReason)
                Console.Out.WriteLine($"firstReason: {firstReason}");
            var headers = d.TryGetProperty("capturedHeaders", out var captured) && captured.ValueKind == JsonValueKind.Object ? captured : d.GetProperty("headers");
            Output.Table(["header", "value"], headers.EnumerateObject().Select(h => new[] { h.Name, Cut(h.Value.GetString()) }));
            Console.Out.WriteLine("body:");
            Console.Out.WriteLine(Output.Text(d, "body"));
            Output.Table(["action", "by", "at", "detail"], d.GetProperty("actions").EnumerateArray()
                .Select(a => new[] { Output.Text(a, "action"), Output.Text(a, "actor"), Output.Text(a, "at"), Cut(Output.Text(a, "detail")) }));
        }, ct).ConfigureAwait(false));
        return command;
    }

    static Command Act(string verb, string description, bool edit)
    {
        var ids = new Argument<string[]>("ids") { Description = "Dead letter ids; none means every Pending one of the filter", Arity = ArgumentArity.ZeroOrMore };
        var source = new Option<string?>("--source") { Description = "Filter: Queue or Outbox" };
        var error = new Option<string?>("--error") { Description = "Filter: text the reason contains" };
        var type = new Option<string?>("--type") { Description = "Filter: text the message type contains" };
        var job = new Option<string?>("--job") { Description = "Filter: the job id it names" };
        var from = new Option<DateTimeOffset?>("--from") { Description = "Filter: last seen at or after" };
        var to = new Option<DateTimeOffset?>("--to") { Description = "Filter: last seen before" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Say what would be done; change nothing" };
        var reason = new Option<string?>("--reason") { Description = "Why (kept in the audit)" };
        var setType = new Option<string?>("--set-type") { Description = "Edit: the message type to replay it as (e.g. CompleteTask)" };
        var set = new Option<string[]>("--set") { Description = "Edit: field=json to set on the body (e.g. attemptId=\"…\")", AllowMultipleArgumentsPerToken = false };
        var destination = new Option<string?>("--destination") { Description = "Send them here instead of where each failed: exchange:NAME, queue:NAME or task:NAME" };
        var command = new Command(verb, description) { ids, source, error, type, job, from, to, dryRun, reason };
        if (edit)
        {
            command.Options.Add(setType);
            command.Options.Add(set);
            command.Options.Add(destination);
        }

        command.SetAction(async (parse, ct) =>
        {
            var output = GlobalOptions.Output(parse);
            var given = parse.GetValue(ids) ?? [];
            var parsedIds = new List<Guid>();
            foreach (var id in given)
            {
                if (!Guid.TryParse(id, out var parsed))
                {
                    Console.Error.WriteLine($"error: '{id}' is not a dead letter id");
                    return ExitCodes.Invalid;
                }

                parsedIds.Add(parsed);
            }

            object? editBody = null;
            if (edit && (parse.GetValue(setType) is not null || parse.GetValue(set) is { Length: > 0 }))
            {
                var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var pair in parse.GetValue(set) ?? [])
                {
                    var at = pair.IndexOf('=', StringComparison.Ordinal);
                    try
                    {
                        if (at < 1)
                            throw new JsonException("expected field=json");
                        fields[pair[..at]] = JsonDocument.Parse(pair[(at + 1)..]).RootElement.Clone();
                    }
                    catch (JsonException e)
                    {
                        Console.Error.WriteLine($"error: --set {pair}: {e.Message}");
                        return ExitCodes.Invalid;
                    }
                }

                editBody = new { messageType = parse.GetValue(setType), set = fields.Count > 0 ? fields : null };
            }

            var filter = parsedIds.Count > 0 ? null : new
            {
                source = parse.GetValue(source), reason = parse.GetValue(error), messageType = parse.GetValue(type),
                jobId = parse.GetValue(job), from = parse.GetValue(from), to = parse.GetValue(to),
            };
            using var client = GlobalOptions.Client(parse);
            var label = parse.GetValue(dryRun) ? $"would {verb}" : verb == "replay" ? "replayed" : "discarded";
            return await BulkRun.RunAsync(output, client, $"api/dead-letters/{verb}",
                cursor => new
                {
                    ids = parsedIds.Count > 0 ? parsedIds : null, filter, edit = editBody, reason = parse.GetValue(reason),
                    destination = edit ? parse.GetValue(destination) : null, dryRun = parse.GetValue(dryRun), cursor = filter is null ? null : cursor,
                },
                "done", label, null, ct).ConfigureAwait(false);
        });
        return command;
    }

    static string? Cut(string? text) => text is { Length: > 80 } ? text[..77] + "..." : text;
}
