namespace QueueFlow.Core.Workflows;

/// <summary>
/// An edge from one task to another, taken when <see cref="From"/> finishes with <see cref="State"/>.
/// </summary>
public sealed record TransitionDefinition(string From, string To, string State = TransitionDefinition.Success)
{
    public const string Success = "success";
}
