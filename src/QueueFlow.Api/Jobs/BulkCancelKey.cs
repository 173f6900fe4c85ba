using QueueFlow.Contracts;

namespace QueueFlow.Api.Jobs;

/// <summary>A job's place in the (status, created_at, id) order a bulk cancel by filter walks: what its cursor holds.</summary>
public sealed record BulkCancelKey(JobStatus Status, DateTimeOffset CreatedAt, Guid Id);
