namespace QueueFlow.Persistence.Outbox;

/// <summary>
/// An outbox row the relay gave up on (it failed <see cref="OutboxRelayOptions.MaxAttempts"/> times while
/// the broker was reachable, or it can never be read), kept with its last error so it can be inspected and
/// replayed by hand. Moving it here is what lets the job's later messages go out.
/// </summary>
public sealed class OutboxDeadLetter
{
    public Guid MessageId { get; set; }

    /// <summary>The row's relay order when it was in the outbox.</summary>
    public long Sequence { get; set; }
    public Guid? JobId { get; set; }
    public string MessageType { get; set; } = string.Empty;
    public Uri? Destination { get; set; }
    public Guid? RequestId { get; set; }
    public string Body { get; set; } = "{}";
    public DateTimeOffset CreatedAt { get; set; }
    public int Attempts { get; set; }
    public string Error { get; set; } = string.Empty;
    public DateTimeOffset DeadLetteredAt { get; set; }
}
