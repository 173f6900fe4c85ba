using System.Globalization;

namespace QueueFlow.Core.Scheduling;

/// <summary>
/// A timer the job saga asks for, carried through its outbox as the destination of an outgoing
/// message: <c>timer:schedule?key=…&amp;at=…</c> sends the message at that time, <c>timer:cancel?key=…</c>
/// removes the timer (its message is only a placeholder). The relay hands these to <see cref="ITimerScheduler"/>.
/// </summary>
public sealed record TimerRequest(string Key, DateTimeOffset? DueAt)
{
    public const string Scheme = "timer";

    public bool IsCancel => DueAt is null;

    public static Uri Schedule(string key, DateTimeOffset dueAt) =>
        new($"{Scheme}:schedule?key={Uri.EscapeDataString(key)}&at={dueAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}");

    public static Uri Cancel(string key) => new($"{Scheme}:cancel?key={Uri.EscapeDataString(key)}");

    /// <summary>The timer a destination asks for, or null when it is an ordinary destination.</summary>
    public static TimerRequest? From(Uri? destination)
    {
        if (destination is null || destination.Scheme != Scheme)
            return null;

        var query = destination.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : string.Empty, StringComparer.Ordinal);
        if (!query.TryGetValue("key", out var key) || key.Length == 0)
            throw new FormatException($"timer destination '{destination}' has no key");

        return destination.AbsolutePath switch
        {
            "schedule" when query.TryGetValue("at", out var at) && long.TryParse(at, CultureInfo.InvariantCulture, out var ms) =>
                new TimerRequest(key, DateTimeOffset.FromUnixTimeMilliseconds(ms)),
            "cancel" => new TimerRequest(key, null),
            _ => throw new FormatException($"timer destination '{destination}' is neither a schedule with a time nor a cancel"),
        };
    }
}
