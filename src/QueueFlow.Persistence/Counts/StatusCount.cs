namespace QueueFlow.Persistence.Counts;

/// <summary>
/// How many jobs of one workflow, or tasks of one queue, are in one status now. <see cref="Name"/> is the workflow for
/// <see cref="StatusCounts.Jobs"/> and the task queue for <see cref="StatusCounts.Tasks"/> (empty for tasks with no queue).
/// </summary>
public sealed record StatusCount(string Entity, string Name, string Status, long Count);
