namespace QueueFlow.Persistence.DeadLetters;

/// <summary>One audit row of a dead letter: what was done to it (Edited, Replayed, ReplayRefused, Discarded), by whom, when.</summary>
public sealed class DeadLetterAction
{
    public long Id { get; set; }
    public Guid DeadLetterId { get; set; }
    public string Action { get; set; } = string.Empty;
    public string Actor { get; set; } = string.Empty;
    public DateTimeOffset At { get; set; }

    /// <summary>What changed or why: the edit (before and after), the replay's message id, the refusal's reason.</summary>
    public string? Detail { get; set; }
}
