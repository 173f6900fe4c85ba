namespace QueueFlow.Api.DeadLetters;

/// <summary>A dead letter's place in (last_seen_at, id) order: what a list or bulk cursor holds.</summary>
public sealed record DeadLetterKey(DateTimeOffset LastSeenAt, Guid Id);
