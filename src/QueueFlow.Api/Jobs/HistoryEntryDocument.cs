namespace QueueFlow.Api.Jobs;

/// <summary>One row of <c>GET /api/jobs/{id}/history</c>.</summary>
public sealed record HistoryEntryDocument(int Sequence, DateTimeOffset At, string Kind, string? TaskId, Guid? AttemptId, Guid? CommandId, string? From, string? To, string? Detail);
