namespace QueueFlow.Persistence.Jobs;

/// <summary>
/// Each job's lock across every instance: a PostgreSQL advisory lock keyed by the job id. Whoever sends a job's
/// outbox rows holds it (the instance that committed them, from before its transaction until its rows are sent
/// and deleted; or a relay sweeping rows left behind), so a job's messages leave in the order they were
/// committed, and the next message of the job waits until the previous one's are out.
/// </summary>
public static class JobLocks
{
    /// <summary>
    /// The first key of the two-key form ("QFJB"). Two-key advisory locks never meet the one-bigint keys of
    /// <see cref="Outbox.OutboxRelay.LockKey"/> and the workflow catalog. Hash collisions between jobs only
    /// make two jobs wait for each other now and then.
    /// </summary>
    public const int Class = 0x5146_4A42;

    /// <summary>The second key, as SQL, of the job id held by the text expression <paramref name="jobIdText"/>.</summary>
    public static string KeyOf(string jobIdText) => $"hashtext(coalesce({jobIdText}, ''))";
}
