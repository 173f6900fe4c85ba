namespace QueueFlow.Chaos;

/// <summary>One row of <c>queueflow.job_history</c> that names an attempt.</summary>
internal sealed record HistoryRow(Guid JobId, int Sequence, string? TaskId, Guid AttemptId, string Kind, string? From, string? Detail);
