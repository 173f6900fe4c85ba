namespace QueueFlow.Api.Stats;

/// <summary>What RabbitMQ holds for one task queue: messages waiting, delivered but not yet acknowledged, and consumers attached.</summary>
public sealed record QueueBacklog(long Ready, long Unacknowledged, int Consumers);
