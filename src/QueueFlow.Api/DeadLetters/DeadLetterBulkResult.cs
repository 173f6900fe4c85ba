using QueueFlow.Persistence.DeadLetters;

namespace QueueFlow.Api.DeadLetters;

/// <summary>
/// The answer to a replay or discard: how many dead letters it took (<see cref="Matched"/>), how many it replayed or
/// discarded (<see cref="Done"/>; on a dry run, how many it would), each one's outcome, and the cursor to carry on from
/// (null when nothing of the filter was left past the last one taken).
/// </summary>
public sealed record DeadLetterBulkResult(int Matched, int Done, bool DryRun, IReadOnlyList<DeadLetterResult> Items, string? NextCursor);
