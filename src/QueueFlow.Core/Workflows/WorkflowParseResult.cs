namespace QueueFlow.Core.Workflows;

/// <summary>A parsed definition, or every reason it is not one.</summary>
public sealed record WorkflowParseResult(WorkflowDefinition? Definition, IReadOnlyList<string> Errors)
{
    public bool IsValid => Definition is not null;

    public static WorkflowParseResult Invalid(string error) => new(null, [error]);
}
