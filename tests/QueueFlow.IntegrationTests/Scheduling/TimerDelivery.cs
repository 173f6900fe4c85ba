namespace QueueFlow.IntegrationTests.Scheduling;

/// <summary>One timer message as it arrived on the test's queue.</summary>
public sealed record TimerDelivery(string Label, string? MessageType, DateTimeOffset ReceivedAt);
