namespace QueueFlow.Api.Workflows;

/// <summary>One workflow in <c>GET /api/workflows</c>: its name and every registered version, oldest first.</summary>
public sealed record WorkflowSummary(string Name, int LatestVersion, IReadOnlyList<int> Versions);
