namespace QueueFlow.Persistence.DeadLetters;

/// <summary>What a replay or discard did with one dead letter.</summary>
public enum DeadLetterOutcome
{
    /// <summary>Sent back through the outbox (replay) or discarded (discard).</summary>
    Done,

    /// <summary>A dry run: it would have been done.</summary>
    WouldBeDone,

    /// <summary>It is already Replayed or Discarded: nothing was sent or changed again.</summary>
    AlreadyResolved,

    /// <summary>The message still cannot be read; it stays Pending with this as its new reason.</summary>
    StillMalformed,

    NotFound,
}
