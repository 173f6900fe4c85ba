using System.Text.RegularExpressions;
using QueueFlow.Core.Jobs;

namespace QueueFlow.Persistence.DeadLetters;

/// <summary>
/// Where an operator may send a replayed dead letter instead of where it failed, in the short address forms the
/// outbox sends to: <c>exchange:NAME</c> (an exchange of this broker, such as the one MassTransit gives every queue),
/// <c>queue:NAME</c> (a queue, declared durable and classic if it does not exist yet) or <c>task:NAME</c> (a task
/// queue as workflows name it, the deployment's prefix added). Nothing else: no other broker, no query string, nothing
/// the broker reserves, so a typo is refused here rather than failing in the relay.
/// </summary>
public static partial class ReplayDestination
{
    /// <summary>RabbitMQ's limit for an exchange or queue name (in bytes; these characters are one byte each).</summary>
    public const int MaxNameLength = 255;

    static readonly string[] Schemes = ["exchange", "queue", TaskQueueDestination.Scheme];

    /// <summary>Why <paramref name="destination"/> cannot be replayed to; null when it can.</summary>
    public static string? Problem(string destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var colon = destination.IndexOf(':', StringComparison.Ordinal);
        var scheme = colon > 0 ? destination[..colon] : null;
        if (scheme is null || !Schemes.Contains(scheme, StringComparer.Ordinal))
            return $"destination must be exchange:NAME, queue:NAME or task:NAME, not '{Shown(destination)}'.";

        var name = destination[(colon + 1)..];
        if (name.Length == 0)
            return $"destination '{scheme}:' names no {scheme}.";
        if (name.Length > MaxNameLength)
            return $"destination's name is {name.Length} characters long; the broker takes at most {MaxNameLength}.";
        if (!NameCharacters().IsMatch(name))
            return $"destination's name '{Shown(name)}' may hold only letters, digits, '.', '_', '-' and ':'.";
        if (scheme != TaskQueueDestination.Scheme && name.StartsWith("amq.", StringComparison.Ordinal))
            return $"destination '{Shown(destination)}' is reserved by the broker (names starting with 'amq.').";
        return null;
    }

    static string Shown(string text) => text.Length <= 80 ? text : text[..80] + "…";

    // \z, not $: $ also matches before a final newline, which would let "queue:name\n" through.
    [GeneratedRegex(@"\A[A-Za-z0-9._:-]+\z")]
    private static partial Regex NameCharacters();
}
