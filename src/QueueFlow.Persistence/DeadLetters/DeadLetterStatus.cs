namespace QueueFlow.Persistence.DeadLetters;

/// <summary>What an operator has done with a dead letter.</summary>
public enum DeadLetterStatus
{
    /// <summary>Waiting for an operator: replayable and discardable.</summary>
    Pending,

    /// <summary>Sent back through the outbox; a failure of the replayed message makes it Pending again.</summary>
    Replayed,

    /// <summary>Dropped on purpose; the row and its audit stay.</summary>
    Discarded,
}
