namespace QueueFlow.Core.Workflows;

/// <summary>
/// A validated, immutable workflow definition: tasks and the transitions between them.
/// Build one with <see cref="WorkflowParser"/>; a job keeps running the version it started with.
/// </summary>
public sealed class WorkflowDefinition
{
    public const string Start = "workflow_start";
    public const string End = "workflow_end";

    public WorkflowDefinition(string name, int? version, IReadOnlyList<TaskDefinition> tasks, IReadOnlyList<TransitionDefinition> transitions)
    {
        Name = name;
        Version = version;
        Tasks = tasks;
        Transitions = transitions;
        // Duplicates are the validator's to report; the first of them stands here.
        TasksById = tasks.DistinctBy(t => t.Id, StringComparer.Ordinal).ToDictionary(t => t.Id, StringComparer.Ordinal);
        Outgoing = transitions.ToLookup(t => t.From, StringComparer.Ordinal);
        Incoming = transitions.ToLookup(t => t.To, StringComparer.Ordinal);
    }

    public string Name { get; }

    /// <summary>The version asked for in the document; the catalog assigns one when it is null.</summary>
    public int? Version { get; }
    public IReadOnlyList<TaskDefinition> Tasks { get; }
    public IReadOnlyList<TransitionDefinition> Transitions { get; }
    public IReadOnlyDictionary<string, TaskDefinition> TasksById { get; }
    public ILookup<string, TransitionDefinition> Outgoing { get; }
    public ILookup<string, TransitionDefinition> Incoming { get; }

    public WorkflowDefinition WithVersion(int version) => new(Name, version, Tasks, Transitions);
}
