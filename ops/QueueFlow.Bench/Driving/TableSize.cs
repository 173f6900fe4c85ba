namespace QueueFlow.Bench.Driving;

/// <summary>
/// One of QueueFlow's tables on disk: everything (heap, TOAST, indexes) and its indexes alone, in bytes; and the
/// sequential scans of it so far (pg_stat_user_tables, which lags a busy session by a second or so).
/// </summary>
internal sealed record TableSize(string Table, long TotalBytes, long IndexBytes, long SequentialScans);
