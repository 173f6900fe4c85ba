using System.CommandLine;

namespace QueueFlow.Cli;

/// <summary>The <c>queueflow</c> command tree.</summary>
public static class CliApp
{
    public static RootCommand Build()
    {
        var root = new RootCommand("queueflow: operate a QueueFlow deployment over its HTTP API");
        root.Options.Add(GlobalOptions.Url);
        root.Options.Add(GlobalOptions.ApiKey);
        root.Options.Add(GlobalOptions.Config);
        root.Options.Add(GlobalOptions.Json);
        root.Subcommands.Add(StatusCommand.Build());
        root.Subcommands.Add(JobCommands.Build());
        root.Subcommands.Add(TaskCommands.Build());
        root.Subcommands.Add(DeadLetterCommands.Build());
        root.Subcommands.Add(WorkflowCommands.Build());
        return root;
    }
}
