namespace QueueFlow.Bench.Driving;

/// <summary>One of QueueFlow's tables on disk: everything (heap, TOAST, indexes) and its indexes alone, in bytes.</summary>
internal sealed record TableSize(string Table, long TotalBytes, long IndexBytes);
