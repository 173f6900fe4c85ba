namespace QueueFlow.Chaos;

/// <summary>A fault as it happened: when it began (from the run's start), and when the service or worker was back.</summary>
internal sealed record FaultRecord(Fault Fault, TimeSpan Began, TimeSpan Ended, string? Problem);
