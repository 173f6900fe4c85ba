namespace QueueFlow.Chaos;

/// <summary>A job the driver started: <see cref="Doomed"/> jobs fail their join for good, as designed.</summary>
internal sealed record JobStart(bool Doomed, DateTimeOffset SentAt);
