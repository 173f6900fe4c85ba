namespace QueueFlow.Persistence.DeadLetters;

/// <summary>
/// A message QueueFlow could not take, kept whole in PostgreSQL: taken from an error queue (acknowledged only once this
/// row is committed) or moved from the outbox by the relay. One row per original message id: the same message seen
/// again (a redelivery, or a replay that failed again) bumps <see cref="SeenCount"/>, takes the new reason and is
/// Pending again, so nothing ever replays itself.
/// </summary>
public sealed class DeadLetter
{
    public Guid Id { get; set; }

    /// <summary>The message's own id when it had one: a replay sends it again under this id, so consumers deduplicate it.</summary>
    public Guid? MessageId { get; set; }
    public DeadLetterSource Source { get; set; }

    /// <summary>The error queue it was taken from, or <c>outbox</c>.</summary>
    public string SourceName { get; set; } = string.Empty;

    /// <summary>The contract's CLR full name when it could be read, else what the message said (or null).</summary>
    public string? MessageType { get; set; }

    /// <summary>Where a replay sends it (<c>queue:…</c>, an outbox destination); null publishes it.</summary>
    public string? Destination { get; set; }

    /// <summary>Every header, as a JSON object of strings.</summary>
    public string Headers { get; set; } = "{}";

    /// <summary>The body as received, as text (it may not be JSON at all), or base64 of it (<see cref="BodyEncoding"/>).</summary>
    public string Body { get; set; } = string.Empty;
    public DeadLetterBodyEncoding BodyEncoding { get; set; }
    public string Reason { get; set; } = string.Empty;
    public Guid? JobId { get; set; }
    public string? TaskId { get; set; }
    public DateTimeOffset FirstSeenAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public int SeenCount { get; set; }
    public DeadLetterStatus Status { get; set; }

    /// <summary>When and by whom it was last replayed or discarded.</summary>
    public DateTimeOffset? ResolvedAt { get; set; }
    public string? ResolvedBy { get; set; }
}
