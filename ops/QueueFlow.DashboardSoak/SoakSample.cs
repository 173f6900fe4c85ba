namespace QueueFlow.DashboardSoak;

/// <summary>
/// One sample, after a forced garbage collection in each page: what each page's JavaScript heap holds, its DOM nodes
/// and event listeners, and the worker's resident memory (null when its process id was not given).
/// </summary>
internal sealed record SoakSample(TimeSpan At, int JobsStarted, PageMemory Overview, PageMemory Jobs, long? WorkerRssBytes);

internal sealed record PageMemory(double HeapBytes, double Nodes, double Listeners);
