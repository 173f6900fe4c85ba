using System.Data.Common;
using Microsoft.Extensions.Options;
using QueueFlow.Core.Workflows;

namespace QueueFlow.Worker.Workflows;

/// <summary>
/// Registers every definition in the configured folder before the bus starts. An invalid file stops
/// start-up with its errors: running without a definition the operator meant to deploy is worse.
/// A database that cannot take connections yet (PostgreSQL starting or restarting as the worker starts;
/// ops/chaos saw workers exit on "57P03: the database system is not yet accepting connections") is waited
/// for, pausing longer each time, for at most <see cref="DatabaseWait"/>; past that start-up fails as before.
/// </summary>
public sealed partial class WorkflowDirectoryLoader(IOptions<WorkflowDirectoryOptions> options, IWorkflowCatalog catalog, TimeProvider clock, ILogger<WorkflowDirectoryLoader> logger) : IHostedService
{
    /// <summary>Longer than PostgreSQL takes to restart or recover from a crash, short enough that a wrong address fails the start.</summary>
    public static readonly TimeSpan DatabaseWait = TimeSpan.FromSeconds(60);

    static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(250);
    static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(5);

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
                ? await RegisterAsync(definition, document, file, cancellationToken).ConfigureAwait(false)
                : new WorkflowRegistrationResult(string.Empty, null, parsed.Errors);
            if (!result.Accepted)
                throw new InvalidOperationException($"workflow file '{file}' is invalid: {string.Join("; ", result.Errors)}");

            LogRegistered(result.Name, result.Version, file);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    async Task<WorkflowRegistrationResult> RegisterAsync(WorkflowDefinition definition, string document, string file, CancellationToken cancellationToken)
    {
        var began = clock.GetTimestamp();
        var pause = FirstPause;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await catalog.RegisterAsync(definition, document, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (IsTransient(exception) && clock.GetElapsedTime(began) + pause < DatabaseWait)
            {
                LogDatabaseNotReady(exception, definition.Name, file, attempt, pause);
                await Task.Delay(pause, clock, cancellationToken).ConfigureAwait(false);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
            }
        }
    }

    /// <summary>The database's own verdict (Npgsql: cannot connect now, connection refused or broken, ...), also when EF Core wrapped it.</summary>
    static bool IsTransient(Exception exception) =>
        exception is DbException { IsTransient: true } || exception.InnerException is DbException { IsTransient: true };

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered workflow {Workflow} v{Version} from {File}")]
    partial void LogRegistered(string workflow, int? version, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow {Workflow} from {File} not registered yet: the database is not ready (attempt {Attempt}); trying again in {Pause}")]
    partial void LogDatabaseNotReady(Exception exception, string workflow, string file, int attempt, TimeSpan pause);
}
