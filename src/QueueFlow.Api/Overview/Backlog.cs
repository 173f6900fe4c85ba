namespace QueueFlow.Api.Overview;

/// <summary>Items waiting (outbox rows not yet sent; timers past due and not yet fired) and the age of the oldest, in seconds.</summary>
public sealed record Backlog(int Waiting, double LagSeconds);
