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

        async Task Walk(Action<Totals, bool> progress)
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
                cursor = Output.Text(answer.Body, "nextCursor");
                progress(totals, cursor is not null);
            }
            while (cursor is not null);
        }

        string Line(Totals t) => $"{verb}: {t.Done} of {t.Matched} matched, {Rate(t.Done, clock.Elapsed)}/s, page {t.Pages}";

        if (output.Json)
        {
            await Walk((_, _) => { }).ConfigureAwait(false);
        }
        else if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            // Redirected to a file or a pipe: one plain line a page, nothing redrawn.
            await Walk((t, _) => Console.Out.WriteLine(Line(t))).ConfigureAwait(false);
        }
        else
        {
            await AnsiConsole.Progress().AutoClear(false).HideCompleted(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    // The routes page by cursor and count what each page took, so the whole is known only at the last page:
                    // the bar measures done against what matched so far, plus one more page while a cursor comes back.
                    var task = context.AddTask(Markup.Escape($"{verb}: 0 of 0 matched"), maxValue: 1);
                    await Walk((t, more) =>
                    {
                        var lastPage = t.Items.Count == 0 ? 0 : t.Items.Count / t.Pages;
                        task.MaxValue = Math.Max(1, t.Matched + (more ? lastPage : 0));
                        task.Value = t.Matched == 0 && !more ? task.MaxValue : t.Done;
                        task.Description = Markup.Escape(Line(t));
                    }).ConfigureAwait(false);
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

    /// <summary>Items done per second since the run began.</summary>
    static string Rate(int count, TimeSpan elapsed) =>
        (count / Math.Max(elapsed.TotalSeconds, 0.001)).ToString("0", System.Globalization.CultureInfo.InvariantCulture);
}
