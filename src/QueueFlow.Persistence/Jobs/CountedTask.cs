using QueueFlow.Contracts;

namespace QueueFlow.Persistence.Jobs;

/// <summary>A task's queue and status as its row held them when the job was read: what the status counts are kept by.</summary>
internal readonly record struct CountedTask(string? Queue, TaskRunStatus Status);
