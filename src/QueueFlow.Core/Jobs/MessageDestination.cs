namespace QueueFlow.Core.Jobs;

/// <summary>
/// Where a message the rules decided to send goes, named as the rules know it: the broker's names (a deployment's
/// prefix, the watch exchange, a queue's address) are the outbox relay's to choose, so none of them appears here.
/// </summary>
public abstract record MessageDestination
{
    private MessageDestination()
    {
    }

    /// <summary>Published to its type's exchange, for whoever subscribed (events, and answers nobody asked to have back).</summary>
    public static MessageDestination Published { get; } = new Publish();

    /// <summary>The workers of a task's queue, as its definition names the queue.</summary>
    public sealed record Worker(string Queue) : MessageDestination;

    /// <summary>One watcher of the job: a copy of its events routed by the watcher's name (see <see cref="WatchDestination"/>).</summary>
    public sealed record Watcher(string Name) : MessageDestination;

    /// <summary>The answer to a request: sent to the requester's address with its request id, so its client matches it.</summary>
    public sealed record Reply(Uri Address, Guid? RequestId) : MessageDestination;

    /// <summary>See <see cref="Published"/>.</summary>
    public sealed record Publish : MessageDestination;
}
