using QueueFlow.Persistence.DeadLetters;

namespace QueueFlow.Api.DeadLetters;

/// <summary>The filter of a replay or discard: only Pending dead letters are taken. Text matches are case-insensitive substrings.</summary>
public sealed record DeadLetterFilterRequest
{
    public DeadLetterSource? Source { get; init; }
    public string? Reason { get; init; }
    public string? MessageType { get; init; }
    public Guid? JobId { get; init; }
    public string? TaskId { get; init; }

    /// <summary>Last seen at or after.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Last seen before.</summary>
    public DateTimeOffset? To { get; init; }
}
