namespace QueueFlow.Bench.Queries;

/// <summary>
/// One page query measured: the median wall time of running it through EF Core as the API does (SQL, round trip,
/// materialising the rows), PostgreSQL's own execution time and buffer reads from EXPLAIN ANALYZE, and its plan.
/// </summary>
internal sealed record QueryTiming(double MedianMs, double ExecutionMs, long SharedBuffers, int Rows, string Plan);
