namespace QueueFlow.Api.Paging;

/// <summary>
/// How many rows a bulk action's filter matches now, counted up to <see cref="BulkByFilter.CountCap"/>: with
/// <see cref="More"/> true, at least <see cref="Count"/>. A count, not a promise: rows change until the action runs.
/// </summary>
public sealed record BulkCount(int Count, bool More);
