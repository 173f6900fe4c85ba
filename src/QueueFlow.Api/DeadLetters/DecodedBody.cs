using System.Text;
using QueueFlow.Persistence.DeadLetters;

namespace QueueFlow.Api.DeadLetters;

/// <summary>
/// A base64-stored body as text an operator can read: its bytes decoded as UTF-8, each byte that is not UTF-8 shown as
/// U+FFFD. NUL and other control characters stay as they are (JSON shows them as <c>\u0000</c> escapes). The exact
/// bytes stay in the body itself; this is for reading, not for replaying (a replay of such a letter needs a body given
/// in its edit, since what could not be stored as text cannot be sent as JSON either).
/// </summary>
public static class DecodedBody
{
    /// <summary>The text of a base64 body; null for a text body, or for one that is not base64 after all.</summary>
    public static string? Of(DeadLetter letter)
    {
        ArgumentNullException.ThrowIfNull(letter);
        return letter.BodyEncoding == DeadLetterBodyEncoding.Base64 ? Utf8Of(letter.Body) : null;
    }

    /// <summary>Base64 decoded and read as UTF-8 (U+FFFD for a byte that is not); null when it is not base64.</summary>
    internal static string? Utf8Of(string base64)
    {
        var bytes = new byte[base64.Length / 4 * 3 + 3];
        return Convert.TryFromBase64String(base64, bytes, out var written) ? Encoding.UTF8.GetString(bytes, 0, written) : null;
    }
}
