namespace QueueFlow.Api.Stats;

/// <summary>One workflow's jobs per status, every status included.</summary>
public sealed record WorkflowStats(string Workflow, IReadOnlyDictionary<string, int> Jobs);
