namespace QueueFlow.Api.Overview;

/// <summary>The task that has been Running longest, and for how long.</summary>
public sealed record OldestRunningTask(Guid JobId, string TaskId, string? Queue, DateTimeOffset StartedAt, double AgeSeconds);
