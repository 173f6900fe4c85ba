using QueueFlow.Contracts;

namespace QueueFlow.Api.Jobs;

/// <summary>
/// The answer to an accepted task or job command (retry, continue, revert, claim, assign, release, finish, watch):
/// the saga's outcome, the job's status after it and, for a task command, the task's. A repeat is marked duplicate.
/// </summary>
public sealed record TaskControlled(CommandStatus Status, JobStatus? JobStatus, string? TaskId, TaskRunStatus? TaskStatus, bool Duplicate);
