using System.CommandLine;

namespace QueueFlow.Cli;

/// <summary>
/// <c>queueflow jobs cancel|continue</c>: one job by its id, or every job a filter matches, a page at a time through
/// the bulk routes (<c>POST /api/jobs/cancel</c> and <c>/api/jobs/continue</c>) with the counts and progress of
/// <see cref="BulkRun"/>. A filter is never implied: without an id, at least one filter option or <c>--all</c> is
/// required, so a forgotten argument cannot cancel every job of a deployment.
/// </summary>
public static class JobBulkCommands
{
    public static Command Cancel()
    {
        var filter = new FilterOptions("Running or Paused (default: every open job)");
        var reason = new Option<string?>("--reason") { Description = "Why, kept in each job's history" };
        var count = FilterCount.Option("open jobs");
        var command = filter.Command("cancel", "Cancel an open job, or every open job matching a filter", reason, count);
        command.SetAction(async (parse, ct) =>
        {
            if (filter.Check(parse) is { } invalid)
                return invalid;
            if (parse.GetValue(filter.Id) is { } id)
            {
                return parse.GetValue(count)
                    ? Usage("--count goes with a filter, not with a job id")
                    : await JobCommands.Post(parse, $"api/jobs/{Uri.EscapeDataString(id)}/cancel", new { reason = parse.GetValue(reason) }, ct).ConfigureAwait(false);
            }

            if (parse.GetValue(count))
                return await FilterCount.RunAsync(parse, "api/jobs/cancel/count", filter.Body(parse), "open jobs", ct).ConfigureAwait(false);
            using var client = GlobalOptions.Client(parse);
            return await BulkRun.RunAsync(GlobalOptions.Output(parse), client, "api/jobs/cancel",
                cursor => new { filter = filter.Body(parse), limit = parse.GetValue(filter.PageSize), cursor, reason = parse.GetValue(reason) },
                "cancelled", "cancelled", parse.GetValue(filter.IdempotencyKey), ct).ConfigureAwait(false);
        });
        return command;
    }

    public static Command Continue()
    {
        var filter = new FilterOptions("Failed (the only status a job is continued from)");
        var from = new Option<string?>("--from-task") { Description = "With an id: the task to continue from (default: the one it failed on)" };
        var reason = new Option<string?>("--reason") { Description = "Why, kept in each job's history" };
        var command = filter.Command("continue", "Continue a Failed job, or every Failed job matching a filter, from the task it failed on", from, reason);
        command.SetAction(async (parse, ct) =>
        {
            if (filter.Check(parse) is { } invalid)
                return invalid;
            if (parse.GetValue(filter.Id) is { } id)
            {
                return await JobCommands.Post(parse, $"api/jobs/{Uri.EscapeDataString(id)}/continue",
                    new { fromTask = parse.GetValue(from), reason = parse.GetValue(reason) }, ct).ConfigureAwait(false);
            }

            if (parse.GetValue(from) is not null)
                return Usage("--from-task goes with a job id: a filter continues each job from the task it failed on");
            using var client = GlobalOptions.Client(parse);
            return await BulkRun.RunAsync(GlobalOptions.Output(parse), client, "api/jobs/continue",
                cursor => new { filter = filter.Body(parse), limit = parse.GetValue(filter.PageSize), cursor, reason = parse.GetValue(reason) },
                "continued", "continued", parse.GetValue(filter.IdempotencyKey), ct).ConfigureAwait(false);
        });
        return command;
    }

    static int Usage(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return ExitCodes.Invalid;
    }

    /// <summary>The job id argument and the filter options the two commands share, and the rule that one of them is given.</summary>
    sealed class FilterOptions(string statusDescription)
    {
        public Argument<string?> Id { get; } = new("id") { Description = "The job's id (or give a filter instead)", Arity = ArgumentArity.ZeroOrOne };
        public Option<bool> All { get; } = new("--all") { Description = "Every job the command applies to, when no other filter option narrows it" };
        public Option<string?> Workflow { get; } = new("--workflow") { Description = "Filter: the jobs' workflow" };
        public Option<string?> Status { get; } = new("--status") { Description = $"Filter: {statusDescription}" };
        public Option<DateTimeOffset?> From { get; } = new("--from") { Description = "Filter: created at or after (ISO 8601)" };
        public Option<DateTimeOffset?> To { get; } = new("--to") { Description = "Filter: created before (ISO 8601)" };
        public Option<int?> PageSize { get; } = new("--page-size") { Description = "Filter: jobs per request (1-1000, default 100)" };
        public Option<string?> IdempotencyKey { get; } = new("--idempotency-key") { Description = "Filter: makes a repeated run apply once" };

        public Command Command(string verb, string description, params Option[] more)
        {
            var command = new Command(verb, description) { Id, All, Workflow, Status, From, To, PageSize, IdempotencyKey };
            foreach (var option in more)
                command.Options.Add(option);
            return command;
        }

        public int? Check(ParseResult parse)
        {
            var filtered = parse.GetValue(Workflow) is not null || parse.GetValue(Status) is not null
                || parse.GetValue(From) is not null || parse.GetValue(To) is not null;
            var bulkOnly = filtered || parse.GetValue(All) || parse.GetValue(PageSize) is not null || parse.GetValue(IdempotencyKey) is not null;
            return (parse.GetValue(Id) is not null, bulkOnly, filtered || parse.GetValue(All)) switch
            {
                (true, true, _) => Usage("give a job id or a filter, not both"),
                (false, _, false) => Usage("give a job id, or a filter (--workflow, --status, --from, --to), or --all for every job"),
                _ => null,
            };
        }

        public object Body(ParseResult parse) => new
        {
            status = parse.GetValue(Status), workflow = parse.GetValue(Workflow), from = parse.GetValue(From), to = parse.GetValue(To),
        };
    }
}
