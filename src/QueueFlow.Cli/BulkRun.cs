using System.Diagnostics;
using System.Text.Json;
using Spectre.Console;

namespace QueueFlow.Cli;

/// <summary>
/// Walks a bulk route page by page (each answer's <c>nextCursor</c> into the next request) and adds up its counts,
/// with a progress display of counts and rate for people, or one JSON document at the end.
/// </summary>
public static class BulkRun
{
    public sealed record Totals(int Matched, int Done, int Pages, List<JsonElement> Items);

    public static async Task<int> RunAsync(
        Output output, ApiClient client, string route, Func<string?, object> body, string doneProperty, string verb, string? idempotencyKey,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(body);
        var totals = new Totals(0, 0, 0, []);
        ApiAnswer? failure = null;
        var clock = Stopwatch.StartNew();

        async Task Walk(Action<Totals> progress)
        {
            string? cursor = null;
            do
            {
                var answer = await client.PostAsync(route, body(cursor), idempotencyKey, cancellationToken).ConfigureAwait(false);
                if (!answer.Ok)
                {
                    failure = answer;
                    return;
                }

                var items = answer.Body.GetProperty("items").EnumerateArray().ToList();
                totals = new Totals(totals.Matched + answer.Body.GetProperty("matched").GetInt32(), totals.Done + answer.Body.GetProperty(doneProperty).GetInt32(),
                    totals.Pages + 1, [.. totals.Items, .. items]);
                progress(totals);
                cursor = Output.Text(answer.Body, "nextCursor");
            }
            while (cursor is not null);
        }

        if (output.Json)
        {
            await Walk(_ => { }).ConfigureAwait(false);
        }
        else
        {
            await AnsiConsole.Progress().AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new SpinnerColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask($"{verb}: 0 of 0 matched").IsIndeterminate();
                    await Walk(t => task.Description = Markup.Escape($"{verb}: {t.Done} of {t.Matched} matched, {Rate(t.Matched, clock.Elapsed)}/s, page {t.Pages}")).ConfigureAwait(false);
                    task.StopTask();
                }).ConfigureAwait(false);
        }

        if (failure is not null)
            return output.Fail(failure);
        if (output.Json)
            Output.Write(new { matched = totals.Matched, done = totals.Done, pages = totals.Pages, items = totals.Items });
        else
            Console.Out.WriteLine($"{verb}: {totals.Done} of {totals.Matched} matched in {totals.Pages} request(s), {clock.Elapsed.TotalSeconds:0.0} s");
        return totals.Done == totals.Matched ? ExitCodes.Ok : ExitCodes.Partial;
    }

    static string Rate(int count, TimeSpan elapsed) =>
        (count / Math.Max(elapsed.TotalSeconds, 0.001)).ToString("0", System.Globalization.CultureInfo.InvariantCulture);
}
