using Microsoft.Extensions.Options;
using QueueFlow.Core.Workflows;

namespace QueueFlow.Worker.Workflows;

/// <summary>
/// Registers every definition in the configured folder before the bus starts. An invalid file stops
/// start-up with its errors: running without a definition the operator meant to deploy is worse.
/// </summary>
public sealed partial class WorkflowDirectoryLoader(IOptions<WorkflowDirectoryOptions> options, IWorkflowCatalog catalog, ILogger<WorkflowDirectoryLoader> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Directory is not { Length: > 0 } directory)
            return;
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Workflows:Directory '{Path.GetFullPath(directory)}' does not exist");

        foreach (var file in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var document = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
            var parsed = WorkflowParser.Parse(document);
            var result = parsed.Definition is { } definition
                ? await catalog.RegisterAsync(definition, document, cancellationToken).ConfigureAwait(false)
                : new WorkflowRegistrationResult(string.Empty, null, parsed.Errors);
            if (!result.Accepted)
                throw new InvalidOperationException($"workflow file '{file}' is invalid: {string.Join("; ", result.Errors)}");

            LogRegistered(result.Name, result.Version, file);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered workflow {Workflow} v{Version} from {File}")]
    partial void LogRegistered(string workflow, int? version, string file);
}
