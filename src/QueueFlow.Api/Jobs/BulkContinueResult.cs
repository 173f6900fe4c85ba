namespace QueueFlow.Api.Jobs;

/// <summary>The answer to a continue by filter: jobs taken, jobs continued, each one's outcome, and the cursor to carry on from.</summary>
public sealed record BulkContinueResult(int Matched, int Continued, IReadOnlyList<BulkCancelItem> Items, string? NextCursor);
