namespace QueueFlow.Api.DeadLetters;

/// <summary>One audit row of a dead letter: SeenAgain, Edited, Replayed, ReplayRefused or Discarded.</summary>
public sealed record DeadLetterActionDocument(string Action, string Actor, DateTimeOffset At, string? Detail);
