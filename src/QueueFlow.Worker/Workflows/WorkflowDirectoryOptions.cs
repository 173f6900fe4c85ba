namespace QueueFlow.Worker.Workflows;

/// <summary>A folder of workflow definition files (<c>*.json</c>) registered at start-up.</summary>
public sealed class WorkflowDirectoryOptions
{
    public const string Section = "Workflows";

    /// <summary>Unset: nothing is loaded from disk; definitions come by RegisterWorkflow only.</summary>
    public string? Directory { get; set; }
}
