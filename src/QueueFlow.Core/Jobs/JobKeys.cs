using System.Security.Cryptography;

namespace QueueFlow.Core.Jobs;

/// <summary>
/// The job key of an attempt: Camunda names one activation of a task by a positive 64-bit integer, so every
/// attempt gets one, derived from the attempt id. Deriving it (rather than drawing it from a database sequence)
/// keeps the saga free of I/O and lets anyone holding the attempt id compute its key.
/// </summary>
public static class JobKeys
{
    /// <summary>
    /// The first eight bytes of SHA-256 of the attempt id, top bit cleared: 63 bits, never negative, and 0 (which
    /// Camunda never uses as a key) is moved to 1. Two attempts share a key with a chance of about n² / 2^64 among
    /// n attempts, so the lookup index is not unique and the API answers an ambiguous key rather than guess.
    /// </summary>
    public static long For(Guid attemptId)
    {
        Span<byte> id = stackalloc byte[16];
        attemptId.TryWriteBytes(id, bigEndian: true, out _);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(id, hash);
        var key = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(hash) & long.MaxValue;
        return key == 0 ? 1 : key;
    }
}
