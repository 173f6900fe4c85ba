namespace QueueFlow.Core.Jobs;

/// <summary>
/// A worker task's queue, carried through the outbox as a RunTask's destination: <c>task:{queue}</c>. The relay
/// turns it into the broker's name of the queue, which is the deployment's to choose (a prefix may come before the
/// name a definition gives), so the rules name the task's queue and never the broker's.
/// </summary>
public static class TaskQueueDestination
{
    public const string Scheme = "task";

    public static Uri For(string queue) => new($"{Scheme}:{Uri.EscapeDataString(queue)}");

    /// <summary>The task queue a destination names, or null when it is another destination.</summary>
    public static string? QueueOf(Uri? destination) =>
        destination is { Scheme: Scheme } ? Uri.UnescapeDataString(destination.AbsolutePath) : null;
}
