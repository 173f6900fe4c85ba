namespace QueueFlow.Core.Jobs;

/// <summary>
/// Where a copy of a job's event goes for one watcher, carried through the outbox as the message's destination:
/// <c>watch:{watcher}</c>. The relay sends it to the <see cref="Exchange"/> direct exchange with the watcher as the
/// routing key, so a watcher binds its own queue with its name and receives only the jobs it watches.
/// </summary>
public static class WatchDestination
{
    public const string Scheme = "watch";
    public const string Exchange = "queueflow-watch";

    public static Uri For(string watcher) => new($"{Scheme}:{Uri.EscapeDataString(watcher)}");

    /// <summary>The watcher a destination names, or null when it is an ordinary destination.</summary>
    public static string? WatcherOf(Uri? destination) =>
        destination is { Scheme: Scheme } ? Uri.UnescapeDataString(destination.AbsolutePath) : null;
}
