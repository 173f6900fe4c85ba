namespace QueueFlow.DashboardSoak;

/// <summary>What one soak run does: against which worker, for how long, how often it samples and how fast jobs change.</summary>
internal sealed record SoakOptions(Uri Url, string Key, int Minutes, int SampleSeconds, double JobsPerSecond, string Chromium, int? WorkerPid);
