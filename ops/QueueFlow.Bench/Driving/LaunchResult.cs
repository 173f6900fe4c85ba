namespace QueueFlow.Bench.Driving;

/// <summary>When a run's first job started (a Stopwatch timestamp), how long until its last ended, and whether it hit the deadline.</summary>
internal sealed record LaunchResult(long StartedAt, TimeSpan Elapsed, bool TimedOut);
