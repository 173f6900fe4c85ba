using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace QueueFlow.Api.Paging;

/// <summary>
/// An opaque keyset cursor: the sort key of the last row of a page, as base64url. Opaque so callers never build
/// one, and keyset (not OFFSET) so a page costs the same however deep it is and rows inserted meanwhile are not repeated.
/// A cursor is bound to the list and filter it was taken under (a hash of them is its first part): the same key
/// under another filter would start the walk at a row that filter never showed, so it is refused instead.
/// </summary>
public static class Cursor
{
    public static string Encode(string scope, params string[] parts)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(parts);
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join('\n', [Fingerprint(scope), .. parts])));
    }

    /// <summary>
    /// The parts, or null when <paramref name="cursor"/> is not one this API made with that many parts, or was made
    /// under another <paramref name="scope"/> (then <paramref name="otherScope"/> is true).
    /// </summary>
    public static string[]? Decode(string cursor, int parts, string scope, out bool otherScope)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        otherScope = false;
        string[] decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split('\n');
        }
        catch (FormatException)
        {
            return null;
        }

        if (decoded.Length != parts + 1)
            return null;
        if (decoded[0] != Fingerprint(scope))
        {
            otherScope = true;
            return null;
        }

        return decoded[1..];
    }

    /// <summary>What a cursor's first part holds: 64 bits of SHA-256 of the scope, enough to tell filters apart.</summary>
    static string Fingerprint(string scope) =>
        Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(scope)).AsSpan(0, 8));
}
