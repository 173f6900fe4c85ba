namespace QueueFlow.Api.Jobs;

/// <summary>The answer to <c>POST /api/jobs</c>.</summary>
public sealed record JobCreated(Guid Id);
