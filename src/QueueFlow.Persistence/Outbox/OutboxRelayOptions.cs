namespace QueueFlow.Persistence.Outbox;

/// <summary>How the outbox relay polls and batches.</summary>
public sealed class OutboxRelayOptions
{
    /// <summary>Longest wait between passes without an in-process signal; bounds how long rows left by a stopped instance wait.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Rows taken per transaction.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Longest pause after repeated failed passes (broker down).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    internal bool IsValid() =>
        PollInterval > TimeSpan.Zero && BatchSize is > 0 and <= 10_000 && MaxBackoff >= PollInterval;
}
