using QueueFlow.Persistence.DeadLetters;

namespace QueueFlow.Api.DeadLetters;

/// <summary>One dead letter in a list: what it is, why it is here, what it names, how often it was seen and what was done with it.</summary>
public sealed record DeadLetterSummary(
    Guid Id, Guid? MessageId, DeadLetterSource Source, string SourceName, string? MessageType, string Reason, Guid? JobId, string? TaskId,
    DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt, int SeenCount, DeadLetterStatus Status);
