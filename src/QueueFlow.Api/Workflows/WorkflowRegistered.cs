namespace QueueFlow.Api.Workflows;

/// <summary>The answer to <c>POST /api/workflows</c>: the name and the version the definition is stored as.</summary>
public sealed record WorkflowRegistered(string Name, int Version);
