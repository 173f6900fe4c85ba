namespace QueueFlow.Persistence.Idempotency;

/// <summary>
/// An <c>Idempotency-Key</c> a caller sent with <c>POST /api/jobs</c>: which request it stands for (the SHA-256 of the
/// request's canonical JSON) and the job it names. Not a job row: the job itself is still created by the saga alone.
/// </summary>
public sealed class IdempotencyKey
{
    /// <summary>The API key's name; keys of different callers never meet.</summary>
    public string Caller { get; set; } = string.Empty;

    public string Key { get; set; } = string.Empty;

    /// <summary>32 bytes: the fingerprint of the first request sent with this key.</summary>
    public byte[] RequestHash { get; set; } = [];

    public Guid JobId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
