namespace QueueFlow.Api.Jobs;

/// <summary>A job's place in the (created_at, id) order of <c>GET /api/jobs</c>: what its cursor holds.</summary>
public sealed record JobKey(DateTimeOffset CreatedAt, Guid Id);
