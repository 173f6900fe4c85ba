using QueueFlow.Contracts;

namespace QueueFlow.Api.Tasks;

/// <summary>One task's answer in a bulk retry: the saga's outcome, or <c>Timeout</c> when it did not answer in time (the retry may still be applied).</summary>
public sealed record BulkRetryItem(Guid JobId, string TaskId, string Status, TaskRunStatus? TaskStatus, bool Duplicate, string? Reason);
