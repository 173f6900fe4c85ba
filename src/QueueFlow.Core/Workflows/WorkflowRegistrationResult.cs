namespace QueueFlow.Core.Workflows;

/// <summary>What registering a definition came to: its stored version, or why it was refused.</summary>
public sealed record WorkflowRegistrationResult(string Name, int? Version, IReadOnlyList<string> Errors)
{
    public bool Accepted => Errors.Count == 0;

    public static WorkflowRegistrationResult Stored(string name, int version) => new(name, version, []);

    public static WorkflowRegistrationResult Refused(string name, params string[] errors) => new(name, null, errors);
}
