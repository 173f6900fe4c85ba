using QueueFlow.Persistence.DeadLetters;

namespace QueueFlow.Api.DeadLetters;

/// <summary>
/// A dead letter whole: its headers and body as stored, where a replay sends it, and its audit, oldest first. A body
/// stored as base64 (<see cref="BodyEncoding"/>) also comes decoded, for reading: <see cref="BodyText"/>; so do the
/// headers and first reason of a message the database refused as it came (<see cref="CapturedHeaders"/>,
/// <see cref="FirstReason"/>).
/// </summary>
public sealed record DeadLetterDocument(
    Guid Id, Guid? MessageId, DeadLetterSource Source, string SourceName, string? MessageType, string? Destination,
    IReadOnlyDictionary<string, string> Headers, string Body, DeadLetterBodyEncoding BodyEncoding, string? BodyText,
    string Reason, Guid? JobId, string? TaskId, DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt, int SeenCount,
    DeadLetterStatus Status, DateTimeOffset? ResolvedAt, string? ResolvedBy, IReadOnlyList<DeadLetterActionDocument> Actions)
{
    public IReadOnlyDictionary<string, string>? CapturedHeaders { get; init; }
    public string? FirstReason { get; init; }
}
