using System.Security.Cryptography;
using System.Text;

namespace QueueFlow.Api.Jobs;

/// <summary>Command ids for the job-control routes.</summary>
public static class CommandIds
{
    /// <summary>
    /// A name-based UUID (RFC 9562 version 8, SHA-256) of the command, the caller's key name and its Idempotency-Key:
    /// a retried request carries the same command id, which the saga answers like the first; the same key used for
    /// another command, or by another caller, never collides.
    /// </summary>
    public static Guid FromIdempotencyKey(string command, string caller, string idempotencyKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"queueflow:{command}\n{caller}\n{idempotencyKey}"));
        var bytes = hash.AsSpan(0, 16);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
