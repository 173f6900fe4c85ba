using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using QueueFlow.Persistence.DeadLetters;
using QueueFlow.Worker.Messaging;
using RabbitMQ.Client;

namespace QueueFlow.Worker.DeadLetters;

/// <summary>Reads a message taken from an error queue into a capture for the store: every header, the body as text, what it names.</summary>
public static class ErrorQueueCapture
{
    const string ErrorSuffix = "_error";

    public static DeadLetterCapture From(string queue, IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body, DateTimeOffset seenAt)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in properties.Headers ?? new Dictionary<string, object?>())
            AddHeader(headers, Sanitize(name), Sanitize(Text(value)));
        if (properties.MessageId is { Length: > 0 } amqpMessageId)
            headers.TryAdd("message_id", Sanitize(amqpMessageId));
        if (properties.ContentType is { Length: > 0 } contentType)
            headers.TryAdd("content_type", Sanitize(contentType));

        // A body that is not UTF-8 text, or holds a NUL byte (which no text column takes), cannot be stored as text
        // without changing it: it is kept as base64, byte for byte, and nothing is read out of it.
        var asText = Utf8.IsValid(body.Span) && !body.Span.Contains((byte)0);
        var text = asText ? Encoding.UTF8.GetString(body.Span) : Convert.ToBase64String(body.Span);
        var (jobId, taskId) = asText ? DeadLetterBodies.Ids(text) : (null, null);
        var type = headers.GetValueOrDefault("MT-MessageType")?.Split(';')[0] ?? (asText ? DeadLetterBodies.EnvelopeType(text) : null);
        var reason = headers.GetValueOrDefault(ReasonHeaderFilter.Header) ?? headers.GetValueOrDefault("MT-Fault-Message")
            ?? $"no reason given: the message reached {queue} without a {ReasonHeaderFilter.Header} header";
        return new DeadLetterCapture
        {
            MessageId = MessageId(properties, headers),
            Source = DeadLetterSource.Queue,
            SourceName = queue,
            MessageType = Bounded(DeadLetterRepair.Normalize(type), DeadLetterCapture.MaxMessageTypeLength),
            // The exchange MassTransit binds to the input queue: sending to it declares nothing that could clash with the queue's own arguments (a quorum queue).
            Destination = InputQueue(queue, headers) is { } input ? $"exchange:{input}" : null,
            Headers = JsonSerializer.Serialize(headers),
            Body = text,
            BodyEncoding = asText ? DeadLetterBodyEncoding.Text : DeadLetterBodyEncoding.Base64,
            Reason = asText ? reason : $"stored as base64 (the body is not UTF-8 text, or holds a NUL byte): {reason}",
            JobId = jobId,
            TaskId = taskId,
            SeenAt = seenAt,
        };
    }

    static Guid? MessageId(IReadOnlyBasicProperties properties, Dictionary<string, string> headers) =>
        Guid.TryParse(properties.MessageId, out var id) || Guid.TryParse(headers.GetValueOrDefault("MessageId"), out id) ? id : null;

    /// <summary>The queue the message failed on: the error queue's name without <c>_error</c>, else MassTransit's fault input address.</summary>
    static string? InputQueue(string queue, Dictionary<string, string> headers)
    {
        if (queue.EndsWith(ErrorSuffix, StringComparison.Ordinal) && queue.Length > ErrorSuffix.Length)
            return queue[..^ErrorSuffix.Length];
        return Uri.TryCreate(headers.GetValueOrDefault("MT-Fault-InputAddress"), UriKind.Absolute, out var input) ? input.Segments[^1] : null;
    }

    static string Text(object? value) => value switch
    {
        null => string.Empty,
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        IEnumerable<object?> list => string.Join(";", list.Select(Text)),
        AmqpTimestamp timestamp => DateTimeOffset.FromUnixTimeSeconds(timestamp.UnixTime).ToString("O", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    // PostgreSQL text and jsonb cannot hold U+0000: a message carrying it must still be stored, never block the queue.
    static string Sanitize(string text) => text.Replace('\0', '\uFFFD');

    /// <summary>
    /// Two header names that differ only in a U+0000 are one name once sanitized: the second keeps its value under a
    /// numbered name rather than being dropped.
    /// </summary>
    static void AddHeader(Dictionary<string, string> headers, string name, string value)
    {
        var unique = name;
        for (var n = 2; !headers.TryAdd(unique, value); n++)
            unique = $"{name}#{n}";
    }

    /// <summary>
    /// A header longer than its column (a producer's own message-type header) would make PostgreSQL refuse the whole row
    /// and stop the queue: it is cut to fit, marked with an ellipsis; the headers keep it whole.
    /// </summary>
    static string? Bounded(string? text, int length)
    {
        if (text is null || text.Length <= length)
            return text;
        var cut = length - 1;
        if (char.IsHighSurrogate(text[cut - 1]))
            cut--;
        return string.Concat(text.AsSpan(0, cut), "\u2026");
    }
}
