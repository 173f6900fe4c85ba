using QueueFlow.Contracts;

namespace QueueFlow.Api.Jobs;

/// <summary>One job in <c>GET /api/jobs</c>; the full document is at <c>GET /api/jobs/{id}</c>.</summary>
public sealed record JobSummary(Guid Id, string Workflow, int Version, JobStatus Status, string? Owner, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? EndedAt);
