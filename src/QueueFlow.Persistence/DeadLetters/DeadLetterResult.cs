namespace QueueFlow.Persistence.DeadLetters;

/// <summary>One dead letter's answer to a replay or discard: the message id a replay was sent under, or why nothing was sent.</summary>
public sealed record DeadLetterResult(Guid Id, DeadLetterOutcome Outcome, DeadLetterStatus? Status, string? Reason, Guid? MessageId)
{
    /// <summary>Where a replay sent the message, or would send it on a dry run (null: published to its contract's exchange).</summary>
    public string? Destination { get; init; }
}
