using QueueFlow.Contracts;

namespace QueueFlow.Api.Jobs;

/// <summary>
/// One job's answer in a bulk cancel: the saga's outcome (Accepted, Rejected, Aborted, Wait), or <c>Timeout</c>
/// when it did not answer within <c>Api:CommandTimeout</c> (the cancel may still be applied).
/// </summary>
public sealed record BulkCancelItem(Guid Id, string Status, JobStatus? JobStatus, string? Reason);
