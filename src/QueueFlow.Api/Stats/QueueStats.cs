namespace QueueFlow.Api.Stats;

/// <summary>One task queue: its tasks per status (every status, zeros included) and the broker's backlog, null when the broker cannot be read.</summary>
public sealed record QueueStats(string Queue, IReadOnlyDictionary<string, int> Tasks, QueueBacklog? Backlog);
