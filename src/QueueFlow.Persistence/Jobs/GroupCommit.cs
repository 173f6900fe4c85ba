using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using QueueFlow.Core.Telemetry;

namespace QueueFlow.Persistence.Jobs;

/// <summary>
/// Commits the writes of several messages, each to its own job, in one transaction (group commit). Each message still
/// locks and reads its job on its own session and holds that lock until its messages are sent; only the write goes
/// here, to one connection of the process's own, where the writes that arrived while the previous group was being
/// committed are run as one batch: one round trip, one commit and one set of status-count rows for all of them,
/// instead of one of each per message. The deletes of the outbox rows that messages have sent go the same way, before
/// each message releases its job's lock. Nothing waits to fill a group: a write that arrives when none is running goes
/// at once, so a quiet worker commits each message alone, as before.
/// <para>
/// The writes of a group touch different jobs (each writer holds its job's lock), so they cannot conflict with each
/// other. When PostgreSQL refuses the group, nothing of it was committed, and each write is run again alone so that
/// only the one at fault fails. When the connection fails instead, nobody can know whether the group committed: every
/// write of it fails, and each message is retried against what its job then holds (a committed write is found applied;
/// its outbox rows wait for the job's next message or the relay).
/// </para>
/// </summary>
public sealed partial class GroupCommit : IAsyncDisposable
{
    /// <summary>At most this many writes in one transaction, to bound its size and what one failure makes run again.</summary>
    internal const int MaxWrites = 32;

    private readonly Channel<PendingWrite> _pending = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<GroupCommit> _logger;
    private readonly Task _committing;
    private NpgsqlConnection? _connection;

    public GroupCommit(string connectionString, ILogger<GroupCommit> logger)
    {
        _dataSource = NpgsqlDataSource.Create(QueueFlowDbContextOptions.Tuned(connectionString));
        _logger = logger;
        _committing = Task.Run(CommitAsync);
    }

    /// <summary>
    /// Commits <paramref name="write"/> with whatever other writes are waiting, and completes once it is committed;
    /// throws what committing it met (see <see cref="JobChangeBatch.ExecuteAsync(NpgsqlConnection, NpgsqlTransaction?, IReadOnlyList{JobChangeBatch}, CancellationToken)"/>).
    /// Not cancellable once handed over: the write may be committed whether or not its message still waits.
    /// </summary>
    internal Task WriteAsync(JobChangeBatch write)
    {
        if (write.LocksJob)
            throw new ArgumentException("A write that takes its job's lock runs on the session that keeps it.", nameof(write));

        return Enqueue(new PendingWrite(write, [], NewCompletion()));
    }

    /// <summary>
    /// Deletes outbox rows that went out, committed with whatever else is waiting; completes once that is committed,
    /// so that only then the job's lock is released (see <see cref="SentRowsRelease"/>).
    /// </summary>
    internal Task DeleteSentAsync(Guid[] sent) => Enqueue(new PendingWrite(null, sent, NewCompletion()));

    // Completed on the thread pool, not inline: the committing loop must not run the messages' sends.
    private static TaskCompletionSource NewCompletion() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Task Enqueue(PendingWrite pending)
    {
        if (!_pending.Writer.TryWrite(pending))
            throw new ObjectDisposedException(nameof(GroupCommit), "The worker is stopping; the message is retried.");
        return pending.Committed.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _committing.ConfigureAwait(false);
        if (_connection is not null)
            await _connection.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    private async Task CommitAsync()
    {
        var group = new List<PendingWrite>(MaxWrites);
        while (await _pending.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            while (group.Count < MaxWrites && _pending.Reader.TryRead(out var pending))
                group.Add(pending);

            QueueFlowMetrics.GroupCommitted(group.Count);
            try
            {
                await CommitGroupAsync(group).ConfigureAwait(false);
            }
            catch (Exception exception) when (group.Count > 1 && exception is PostgresException)
            {
                // Refused as a whole, so rolled back as a whole: alone, each write meets only its own fault.
                LogGroupRefused(exception, group.Count);
                foreach (var pending in group)
                    await CommitAloneAsync(pending).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                Fail(group, exception);
            }
        }
    }

    private async Task CommitAloneAsync(PendingWrite pending)
    {
        try
        {
            await CommitGroupAsync([pending]).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            Fail([pending], exception);
        }
    }

    private async Task CommitGroupAsync(IReadOnlyList<PendingWrite> group)
    {
        var connection = await ConnectionAsync().ConfigureAwait(false);
        var brokenLocks = await JobChangeBatch.ExecuteAsync(
            connection, null, [.. group.Where(p => p.Write is not null).Select(p => p.Write!)], CancellationToken.None,
            [.. group.SelectMany(p => p.Sent)]).ConfigureAwait(false);
        var write = 0;
        foreach (var pending in group)
        {
            if (pending.Write is not null && brokenLocks[write++] is { } brokenLock)
                pending.Committed.TrySetException(brokenLock);
            else
                pending.Committed.TrySetResult();
        }
    }

    private void Fail(IReadOnlyList<PendingWrite> group, Exception exception)
    {
        // A connection that failed, rather than a statement PostgreSQL refused, is not used again.
        if (exception is not PostgresException && _connection is not null)
        {
            _connection.Dispose();
            _connection = null;
        }

        foreach (var pending in group)
            pending.Committed.TrySetException(exception);
    }

    private async Task<NpgsqlConnection> ConnectionAsync()
    {
        if (_connection is { State: System.Data.ConnectionState.Open })
            return _connection;
        if (_connection is not null)
            await _connection.DisposeAsync().ConfigureAwait(false);
        _connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        return _connection;
    }

    [LoggerMessage(EventId = 22, Level = LogLevel.Information,
        Message = "PostgreSQL refused a group of {Writes} job writes; each is committed alone")]
    private partial void LogGroupRefused(Exception exception, int writes);

    /// <summary>A job's write, or the deletes of sent outbox rows (then <see cref="Write"/> is null).</summary>
    private sealed record PendingWrite(JobChangeBatch? Write, Guid[] Sent, TaskCompletionSource Committed);
}
