namespace QueueFlow.Core.Jobs;

/// <summary>
/// Itential's metrics for a job or a task: when it started and ended, how long it ran (milliseconds,
/// up to now while it runs), how it finished and who owns it.
/// </summary>
public sealed record RunMetrics(DateTimeOffset? StartTime, DateTimeOffset? EndTime, long? RunTimeMs, string? FinishState, string? Owner);
