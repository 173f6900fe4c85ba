namespace QueueFlow.Api.Jobs;

/// <summary>
/// The answer to a bulk cancel by filter: how many open jobs this request took (<see cref="Matched"/>), how many
/// the saga cancelled, each one's outcome in the order taken, and the cursor to carry on from (null when no open job
/// of the filter was left past the last one taken).
/// </summary>
public sealed record BulkCancelByFilterResult(int Matched, int Cancelled, IReadOnlyList<BulkCancelItem> Items, string? NextCursor);
