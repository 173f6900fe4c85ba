using QueueFlow.Persistence.DeadLetters;

namespace QueueFlow.Api.DeadLetters;

/// <summary>
/// A replay or discard: of <see cref="Ids"/>, or of the Pending dead letters matching <see cref="Filter"/> (oldest first,
/// at most <see cref="Limit"/> a request, carried on with <see cref="Cursor"/>). <see cref="Edit"/> (replay of one id only)
/// fixes the message first; <see cref="Destination"/> (replay only) sends every one of them there instead of where each
/// failed; <see cref="DryRun"/> says what would be done and does nothing.
/// </summary>
public sealed record DeadLetterBulkRequest
{
    public IReadOnlyList<Guid>? Ids { get; init; }
    public DeadLetterFilterRequest? Filter { get; init; }
    public DeadLetterEdit? Edit { get; init; }

    /// <summary><c>exchange:NAME</c>, <c>queue:NAME</c> or <c>task:NAME</c>: see <see cref="ReplayDestination"/>.</summary>
    public string? Destination { get; init; }

    /// <summary>Why (kept in a discard's audit row).</summary>
    public string? Reason { get; init; }
    public bool DryRun { get; init; }
    public int? Limit { get; init; }
    public string? Cursor { get; init; }
}
