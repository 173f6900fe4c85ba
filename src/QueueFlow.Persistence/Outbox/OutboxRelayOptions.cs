namespace QueueFlow.Persistence.Outbox;

/// <summary>How outbox rows are sent after commit, and how the relay polls, batches and gives up on a row.</summary>
public sealed class OutboxRelayOptions
{
    /// <summary>Configuration section the worker binds (<c>Outbox__SendAfterCommit</c> and the rest).</summary>
    public const string Section = "Outbox";

    /// <summary>
    /// The instance that committed a job's rows sends them right away (the default). Off, every row waits for the
    /// relay's next pass: only for tests and diagnosis, it costs a relay round trip and up to a poll interval per step.
    /// </summary>
    public bool SendAfterCommit { get; set; } = true;

    /// <summary>
    /// Also publish each <c>TaskStateChanged</c> to its fanout exchange (<c>QueueFlow.Contracts:TaskStateChanged</c>).
    /// Off by default: two of a task completion's three outgoing messages were these events, on an exchange nothing
    /// of QueueFlow binds, and each costs an outbox row, a send with a confirm and a delete. Watchers get their copies
    /// either way; job events (JobStateChanged, JobCompleted, JobFailed) are always published.
    /// </summary>
    public bool PublishTaskStateChanged { get; set; }

    /// <summary>Longest wait between passes without an in-process signal; bounds how long rows left by a failed send or a stopped instance wait.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Rows taken per pass (and jobs looked at per pass).</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Longest pause after repeated failed passes (broker down).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Failed sends of one row, with the broker reachable, before it is moved to the dead letters.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Longest wait for one send's confirmation before it counts as failed.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The deployment's prefix (<c>Endpoints:Prefix</c>), put before the broker names the relay makes up: the task
    /// queues RunTask goes to and the watch exchange. Published messages take it from the bus's entity name
    /// formatter; response addresses are the caller's own and are used as given.
    /// </summary>
    public string EntityPrefix { get; set; } = string.Empty;

    internal bool IsValid() =>
        PollInterval > TimeSpan.Zero && BatchSize is > 0 and <= 10_000 && MaxBackoff >= PollInterval &&
        MaxAttempts is > 0 and <= 1_000 && SendTimeout > TimeSpan.Zero;
}
