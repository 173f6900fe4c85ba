using System.Text.Json;

namespace QueueFlow.Contracts;

/// <summary>Registers a workflow definition (a JSON document); answered with <see cref="WorkflowRegistration"/>.</summary>
public sealed record RegisterWorkflow
{
    public required JsonElement Definition { get; init; }
}
