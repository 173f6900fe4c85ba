namespace QueueFlow.Contracts;

/// <summary>One error of a job, as Itential records them: the task it came from (or <c>job</c>), what happened, when.</summary>
public sealed record JobError(string Task, string Message, DateTimeOffset Timestamp);
