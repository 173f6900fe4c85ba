namespace QueueFlow.Persistence.Retention;

/// <summary>
/// How long finished jobs and resolved dead letters are kept before <see cref="RetentionSweeper"/> deletes them. By
/// default nothing is deleted.
/// </summary>
public sealed class RetentionOptions
{
    /// <summary>Configuration section the worker binds (<c>Retention__FinishedJobs</c> and the rest).</summary>
    public const string Section = "Retention";

    /// <summary>
    /// How long a Completed or Cancelled job is kept after it ended, with its tasks, history and idempotency keys;
    /// unset (the default), every such job is kept.
    /// </summary>
    public TimeSpan? FinishedJobs { get; set; }

    /// <summary>
    /// The same for Failed jobs, which an operator may still retry, continue or revert: unset (the default), they are
    /// kept until someone acts on them.
    /// </summary>
    public TimeSpan? FailedJobs { get; set; }

    /// <summary>
    /// How long a dead letter is kept after it was replayed or discarded (<c>resolved_at</c>); unset (the default),
    /// every one is kept as its record. A Pending one is never deleted: it waits for an operator.
    /// </summary>
    public TimeSpan? ResolvedDeadLetters { get; set; }

    /// <summary>Whether anything is ever deleted.</summary>
    public bool DeletesAnything => FinishedJobs is not null || FailedJobs is not null || ResolvedDeadLetters is not null;

    /// <summary>Time between two sweeps.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Jobs (or dead letters) deleted per transaction (at most 1,000: each job holds an advisory lock until the commit,
    /// and PostgreSQL's shared lock table is sized by <c>max_locks_per_transaction</c>); a sweep runs batches until
    /// fewer are left.
    /// </summary>
    public int BatchSize { get; set; } = 500;

    public bool IsValid() =>
        (FinishedJobs is null || FinishedJobs > TimeSpan.Zero)
        && (FailedJobs is null || FailedJobs > TimeSpan.Zero)
        && (ResolvedDeadLetters is null || ResolvedDeadLetters > TimeSpan.Zero)
        && Interval > TimeSpan.Zero
        && BatchSize is > 0 and <= 1_000;
}
