using System.Text.Json;

namespace QueueFlow.Persistence.DeadLetters;

/// <summary>
/// A fix made to a dead letter before it is replayed, recorded in its audit: a message type (the contract's name,
/// its CLR full name or its <c>urn:message:</c> form), a whole new body, or top-level fields set on the body.
/// </summary>
public sealed record DeadLetterEdit
{
    public string? MessageType { get; init; }
    public JsonElement? Body { get; init; }
    public Dictionary<string, JsonElement>? Set { get; init; }

    public bool IsEmpty => MessageType is null && Body is null && (Set is null || Set.Count == 0);
}
