using System.Diagnostics;
using System.Text.Json;

namespace QueueFlow.IntegrationTests.Cli;

/// <summary>The built <c>queueflow</c> CLI run as its own process, as an operator runs it: arguments in, exit code and output back.</summary>
public static class CliProcess
{
    public sealed record Run(int ExitCode, string Output, string Error)
    {
        public JsonElement Json => JsonDocument.Parse(Output).RootElement.Clone();

        public override string ToString() => $"exit {ExitCode}; stdout: {Output}; stderr: {Error}";
    }

    public static async Task<Run> RunAsync(Uri url, string? apiKey, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "QueueFlow.Cli.dll"));
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);

        // The URL and key come from the environment, as an on-call shell would set them; no config file is read.
        start.Environment["QUEUEFLOW_URL"] = url.ToString();
        start.Environment["QUEUEFLOW_CONFIG"] = "/nonexistent/queueflow.json";
        if (apiKey is null)
            start.Environment.Remove("QUEUEFLOW_API_KEY");
        else
            start.Environment["QUEUEFLOW_API_KEY"] = apiKey;

        using var process = Process.Start(start) ?? throw new InvalidOperationException("the CLI did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return new Run(process.ExitCode, await output, await error);
    }
}
