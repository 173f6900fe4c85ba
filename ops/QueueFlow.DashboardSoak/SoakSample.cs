namespace QueueFlow.DashboardSoak;

/// <summary>
/// One sample, after a forced garbage collection in each page: what each page's JavaScript heap holds, its DOM nodes
/// and event listeners, and the worker's resident memory and managed heap after its last garbage collection (null
/// when its process id was not given, or its /metrics did not answer).
/// </summary>
internal sealed record SoakSample(TimeSpan At, int JobsStarted, PageMemory Overview, PageMemory Jobs, long? WorkerRssBytes, double? WorkerGcHeapBytes);

/// <summary>
/// <paramref name="Nodes"/> is the renderer's count of DOM nodes, which still includes swapped-out copies of the page
/// that are garbage but not swept yet; <paramref name="DocumentNodes"/> counts the elements in the document now.
/// </summary>
internal sealed record PageMemory(double HeapBytes, double Nodes, double DocumentNodes, double Listeners);
