using System.CommandLine;

namespace QueueFlow.Cli;

/// <summary>
/// <c>queueflow jobs watch ID</c>: prints the job's history as it grows, from the start, until the job is Completed,
/// Failed or Cancelled. Reads <c>/history?after=</c> once a second; with <c>--json</c> each entry is one JSON line.
/// Exits 0 when the job completes, 1 when it fails or is cancelled.
/// </summary>
public static class WatchCommand
{
    static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public static Command Build()
    {
        var id = new Argument<string>("id") { Description = "The job's id" };
        var command = new Command("watch", "Follow a job live until it ends") { id };
        command.SetAction(async (parse, ct) =>
        {
            var output = GlobalOptions.Output(parse);
            using var client = GlobalOptions.Client(parse);
            var job = Uri.EscapeDataString(parse.GetValue(id)!);
            var after = 0;
            while (true)
            {
                // The job first, then its history: an end seen here is in the history read next, so nothing is missed.
                var state = await client.GetAsync($"api/jobs/{job}", ct).ConfigureAwait(false);
                if (!state.Ok)
                    return output.Fail(state);
                var status = Output.Text(state.Body, "status");
                var history = await client.GetAsync($"api/jobs/{job}/history?after={after}&limit=500", ct).ConfigureAwait(false);
                if (!history.Ok)
                    return output.Fail(history);
                foreach (var entry in history.Body.GetProperty("items").EnumerateArray())
                {
                    after = entry.GetProperty("sequence").GetInt32();
                    if (output.Json)
                        Console.Out.WriteLine(entry.GetRawText());
                    else
                        Console.Out.WriteLine($"{Output.Text(entry, "at")}  {Output.Text(entry, "kind"),-18} {Output.Text(entry, "taskId") ?? "",-12} {Output.Text(entry, "detail")}");
                }

                if (Output.Text(history.Body, "nextCursor") is not null)
                    continue;
                if (status is "Completed")
                    return ExitCodes.Ok;
                if (status is "Failed" or "Cancelled")
                    return ExitCodes.Partial;
                await Task.Delay(Interval, ct).ConfigureAwait(false);
            }
        });
        return command;
    }
}
