using System.Security.Cryptography;
using System.Text;

namespace QueueFlow.Api.Jobs;

/// <summary>Job ids for <c>POST /api/jobs</c>.</summary>
public static class JobIds
{
    /// <summary>
    /// A name-based UUID (RFC 9562 version 8, SHA-256) of the caller's key name and its Idempotency-Key: the same
    /// caller retrying gets the same job id, which the saga answers as a duplicate, and two callers never collide.
    /// </summary>
    public static Guid FromIdempotencyKey(string caller, string idempotencyKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"queueflow:start-job\n{caller}\n{idempotencyKey}"));
        var bytes = hash.AsSpan(0, 16);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
