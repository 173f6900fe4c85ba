namespace QueueFlow.Persistence.Workflows;

/// <summary>One registered version of a workflow definition, stored as the document it was registered with.</summary>
public sealed class WorkflowDefinitionRecord
{
    public string Name { get; set; } = string.Empty;
    public int Version { get; set; }
    public string Document { get; set; } = "{}";
    public DateTimeOffset RegisteredAt { get; set; }
}
