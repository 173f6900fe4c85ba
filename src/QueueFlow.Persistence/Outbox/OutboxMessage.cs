namespace QueueFlow.Persistence.Outbox;

/// <summary>
/// A message committed with the job change that caused it, waiting for the relay. Rows are deleted
/// once the broker confirmed them, or moved to the dead-letter store (<see cref="DeadLetters.DeadLetter"/>) when they can never be
/// sent; <see cref="Sequence"/> is the relay order.
/// </summary>
public sealed class OutboxMessage
{
    /// <summary>The longest destination (a reply address, say) the outbox can hold, in characters.</summary>
    public const int MaxDestinationLength = 1024;

    public Guid MessageId { get; set; }
    public long Sequence { get; set; }
    public Guid? JobId { get; set; }

    /// <summary>The contract's CLR full name; resolved only within QueueFlow.Contracts.</summary>
    public string MessageType { get; set; } = string.Empty;

    /// <summary>Null publishes the message.</summary>
    public Uri? Destination { get; set; }
    public Guid? RequestId { get; set; }
    public string Body { get; set; } = "{}";

    /// <summary>Headers to send with it, as a JSON object of strings (a replay's provenance); null for none.</summary>
    public string? Headers { get; set; }

    /// <summary>
    /// When the message that caused this row was received (its job change was committed a few milliseconds
    /// later): the relay measures command-to-dispatch latency and the backlog's age from it.
    /// </summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the span that committed the row, so the relay sends the message inside the
    /// trace of the command that caused it (a job's trace then runs StartJob, RunTask, CompleteTask, ...). Null
    /// when tracing was off.
    /// </summary>
    public string? TraceParent { get; set; }

    /// <summary>The W3C <c>tracestate</c> that came with <see cref="TraceParent"/>, if any.</summary>
    public string? TraceState { get; set; }

    /// <summary>Failed sends so far; broker outages do not count. At <see cref="OutboxRelayOptions.MaxAttempts"/> the row is dead-lettered.</summary>
    public int Attempts { get; set; }

    /// <summary>Why the last send failed (exception type and message, never the body).</summary>
    public string? LastError { get; set; }
}
