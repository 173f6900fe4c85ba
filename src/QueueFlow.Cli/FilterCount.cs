using System.CommandLine;
using System.Globalization;

namespace QueueFlow.Cli;

/// <summary>
/// <c>--count</c> of the bulk commands: asks the API how many rows the filter matches now (<c>POST …/count</c>, the
/// same filter the action would send) and prints that instead of acting, so an operator can look before a run.
/// </summary>
public static class FilterCount
{
    public static Option<bool> Option(string what) => new("--count") { Description = $"Only print how many {what} the filter matches now; change nothing" };

    public static async Task<int> RunAsync(ParseResult parse, string route, object filter, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var output = GlobalOptions.Output(parse);
        using var client = GlobalOptions.Client(parse);
        var answer = await client.PostAsync(route, new { filter }, null, cancellationToken).ConfigureAwait(false);
        if (!answer.Ok)
            return output.Fail(answer);
        if (output.Json)
        {
            Output.Write(answer.Body);
        }
        else
        {
            var count = answer.Body.GetProperty("count").GetInt32().ToString("N0", CultureInfo.InvariantCulture);
            Console.Out.WriteLine(answer.Body.GetProperty("more").GetBoolean() ? $"at least {count} {what} match" : $"{count} {what} match");
        }

        return ExitCodes.Ok;
    }
}
