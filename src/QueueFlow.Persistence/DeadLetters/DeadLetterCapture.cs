namespace QueueFlow.Persistence.DeadLetters;

/// <summary>A message about to enter the dead-letter store, as its source saw it.</summary>
public sealed record DeadLetterCapture
{
    public Guid? MessageId { get; init; }
    public required DeadLetterSource Source { get; init; }
    public required string SourceName { get; init; }
    public string? MessageType { get; init; }
    public string? Destination { get; init; }

    /// <summary>A JSON object of strings.</summary>
    public string Headers { get; init; } = "{}";
    public required string Body { get; init; }
    public required string Reason { get; init; }
    public Guid? JobId { get; init; }
    public string? TaskId { get; init; }
    public required DateTimeOffset SeenAt { get; init; }
}
