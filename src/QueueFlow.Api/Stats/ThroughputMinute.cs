namespace QueueFlow.Api.Stats;

/// <summary>Task completions and task failures recorded in the history during one whole minute starting at <see cref="Minute"/>.</summary>
public sealed record ThroughputMinute(DateTimeOffset Minute, int Completed, int Failed);
