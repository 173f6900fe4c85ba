using QueueFlow.Contracts;

namespace QueueFlow.Api.Jobs;

/// <summary>The answer to an accepted pause, resume or cancel: the saga's outcome and the job's status after it.</summary>
public sealed record JobControlled(CommandStatus Status, JobStatus? JobStatus);
