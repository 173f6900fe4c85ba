namespace QueueFlow.Persistence.Outbox;

/// <summary>How sending one outbox row ended.</summary>
internal enum OutboxSendKind
{
    Sent,
    Failed,

    /// <summary>The row can never be sent (unknown type, unreadable body): dead-lettered at once.</summary>
    Unsendable,
}
