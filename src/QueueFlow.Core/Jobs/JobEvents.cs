using MassTransit;

namespace QueueFlow.Core.Jobs;

/// <summary>The events a command's change set sends: to their own fanout exchanges, and a copy to each of the job's watchers.</summary>
public static class JobEvents
{
    public static void Publish(Job job, object message)
    {
        ArgumentNullException.ThrowIfNull(job);
        job.Changes.Messages.Add(new OutgoingMessage(message, MessageDestination.Published, NewId.NextGuid()));
    }

    /// <summary>Publishes the event, and sends one copy per watcher to the watch exchange (see <see cref="WatchDestination"/>).</summary>
    public static void PublishToWatchers(Job job, object message)
    {
        Publish(job, message);
        foreach (var watcher in job.Watchers)
            job.Changes.Messages.Add(new OutgoingMessage(message, new MessageDestination.Watcher(watcher), NewId.NextGuid()));
    }
}
