namespace QueueFlow.Worker.Telemetry;

/// <summary>One count of the database's state, taken by <see cref="GaugeSampler"/> and read by every scrape.</summary>
public sealed record GaugeSnapshot(
    IReadOnlyDictionary<string, long> Jobs,
    IReadOnlyDictionary<string, long> Tasks,
    long OutboxBacklog,
    TimeSpan OutboxOldestAge,
    long DeadLetters,
    long TimersPending);
