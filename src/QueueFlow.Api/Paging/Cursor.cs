using System.Buffers.Text;
using System.Text;

namespace QueueFlow.Api.Paging;

/// <summary>
/// An opaque keyset cursor: the sort key of the last row of a page, as base64url. Opaque so callers never build
/// one, and keyset (not OFFSET) so a page costs the same however deep it is and rows inserted meanwhile are not repeated.
/// </summary>
public static class Cursor
{
    public static string Encode(params string[] parts) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join('\n', parts)));

    /// <summary>The parts, or null when <paramref name="cursor"/> is not one this API made with that many parts.</summary>
    public static string[]? Decode(string cursor, int parts)
    {
        try
        {
            var decoded = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split('\n');
            return decoded.Length == parts ? decoded : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
