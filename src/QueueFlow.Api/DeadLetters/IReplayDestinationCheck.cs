namespace QueueFlow.Api.DeadLetters;

/// <summary>
/// Asks the broker whether a replay's other destination (<c>exchange:</c>, <c>queue:</c> or <c>task:</c>, already well
/// formed) would take a message, before anything is replayed: the bus declares what it sends to, and a declaration the
/// broker refuses (a quorum queue asked for as classic, an exchange of another type) closes the channel other sends share,
/// while an exchange nobody is bound to drops the message without a word. The host that knows the broker provides it.
/// </summary>
public interface IReplayDestinationCheck
{
    Task<ReplayDestinationVerdict> CheckAsync(string destination, CancellationToken cancellationToken);
}

/// <summary>Why the broker would refuse or drop what is sent there (null: it takes it), or that it could not be asked.</summary>
public sealed record ReplayDestinationVerdict(string? Problem, bool BrokerUnreadable = false)
{
    public static readonly ReplayDestinationVerdict Takes = new(Problem: null);

    public static readonly ReplayDestinationVerdict Unreadable = new(Problem: null, BrokerUnreadable: true);
}
