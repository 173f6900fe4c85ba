using System.Text.Json;
using QueueFlow.Persistence.DeadLetters;

namespace QueueFlow.Api.DeadLetters;

/// <summary>
/// What a capture the database refused came with, for reading: its headers and first reason are stored as base64 under
/// two headers of their own (<see cref="DeadLetterCapture.AsBase64"/>); here they are decoded again. The stored row is
/// unchanged. Only a letter whose headers are exactly those two is read this way, so a message that merely carries a
/// header of the same name is shown as it came.
/// </summary>
public static class DecodedCapture
{
    /// <summary>The headers as they came, or null when the letter was stored as it came (or they do not decode).</summary>
    public static IReadOnlyDictionary<string, string>? Headers(IReadOnlyDictionary<string, string> stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (!IsRefused(stored) || DecodedBody.Utf8Of(stored[DeadLetterCapture.HeadersBase64Key]) is not { } json)
            return null;
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The reason the message first came with, or null when the letter was stored as it came.</summary>
    public static string? FirstReason(IReadOnlyDictionary<string, string> stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return IsRefused(stored) ? DecodedBody.Utf8Of(stored[DeadLetterCapture.ReasonBase64Key]) : null;
    }

    static bool IsRefused(IReadOnlyDictionary<string, string> stored) =>
        stored.Count == 2 && stored.ContainsKey(DeadLetterCapture.HeadersBase64Key) && stored.ContainsKey(DeadLetterCapture.ReasonBase64Key);
}
