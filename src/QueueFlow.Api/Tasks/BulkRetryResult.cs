namespace QueueFlow.Api.Tasks;

/// <summary>
/// The answer to a bulk retry: how many tasks this request took (<see cref="Matched"/>), how many the saga retried, each
/// one's outcome in the order taken, and the cursor to carry on from (null when no task of the filter was left).
/// </summary>
public sealed record BulkRetryResult(int Matched, int Retried, IReadOnlyList<BulkRetryItem> Items, string? NextCursor);
