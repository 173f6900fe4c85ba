namespace QueueFlow.Contracts;

/// <summary>The answer to <see cref="RegisterWorkflow"/>: the stored name and version, or every validation error.</summary>
public sealed record WorkflowRegistration
{
    public required bool Accepted { get; init; }
    public string? Name { get; init; }
    public int? Version { get; init; }
    public IReadOnlyList<string> Errors { get; init; } = [];
}
