using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using QueueFlow.Core.Telemetry;

namespace QueueFlow.Persistence.Jobs;

/// <summary>
/// Commits the writes of several messages, each to its own job, in one transaction (group commit). Each message first
/// locks and reads its job (with others' through <see cref="GroupRead"/>, or on its own session) and holds that lock
/// until its messages are sent; the write goes
/// here, to one of two connections of the process's own (<see cref="WriteConnections"/>), where the writes that arrived
/// while the previous groups were being committed are run as one batch: one round trip, one commit, one statement per kind of row and one set of
/// status-count rows for all of them, instead of all of that per message. Nothing waits to fill a group: a write that
/// arrives when none is running goes at once, so a quiet worker commits each message alone, as before.
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

    /// <summary>
    /// Groups of writes committed at once, each on its own connection: a write that arrives while one group waits for
    /// its commit to reach the disk goes out with the next at once, instead of waiting for that flush and then its own.
    /// </summary>
    internal const int WriteConnections = 2;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<GroupCommit> _logger;
    private readonly Channel<Pending> _writes = Channel.CreateUnbounded<Pending>();
    private readonly CommitLoop[] _writers;

    public GroupCommit(string connectionString, ILogger<GroupCommit> logger)
    {
        _dataSource = NpgsqlDataSource.Create(QueueFlowDbContextOptions.Tuned(connectionString));
        _logger = logger;
        _writers = [.. Enumerable.Range(0, WriteConnections).Select(_ => new CommitLoop(this, _writes.Reader))];
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

        // Completed on the thread pool, not inline: the committing loop must not run the messages' sends.
        var pending = new Pending(write, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_writes.Writer.TryWrite(pending))
            throw new ObjectDisposedException(nameof(GroupCommit), "The worker is stopping; the message is retried.");
        return pending.Committed.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        foreach (var writer in _writers)
            await writer.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task CommitWritesAsync(NpgsqlConnection connection, IReadOnlyList<Pending> group)
    {
        QueueFlowMetrics.GroupCommitted(group.Count);
        var brokenLocks = await JobChangeBatch.ExecuteAsync(connection, null, [.. group.Select(p => p.Item)], CancellationToken.None)
            .ConfigureAwait(false);
        for (var i = 0; i < group.Count; i++)
        {
            if (brokenLocks[i] is { } brokenLock)
                group[i].Committed.TrySetException(brokenLock);
            else
                group[i].Committed.TrySetResult();
        }
    }

    [LoggerMessage(EventId = 22, Level = LogLevel.Information,
        Message = "PostgreSQL refused a group of {Items} job writes; each is committed alone")]
    private partial void LogGroupRefused(Exception exception, int items);

    private sealed record Pending(JobChangeBatch Item, TaskCompletionSource Committed);

    /// <summary>A loop that commits, in groups, the writes that wait, on a connection of its own.</summary>
    private sealed class CommitLoop : IAsyncDisposable
    {
        private readonly ChannelReader<Pending> _pending;
        private readonly GroupCommit _owner;
        private readonly Task _committing;
        private NpgsqlConnection? _connection;

        public CommitLoop(GroupCommit owner, ChannelReader<Pending> pending)
        {
            _owner = owner;
            _pending = pending;
            _committing = Task.Run(CommitAsync);
        }

        /// <summary>Once the channel is completed: waits for the loop to finish what it took, then closes its connection.</summary>
        public async ValueTask DisposeAsync()
        {
            await _committing.ConfigureAwait(false);
            if (_connection is not null)
                await _connection.DisposeAsync().ConfigureAwait(false);
        }

        private async Task CommitAsync()
        {
            var group = new List<Pending>(MaxWrites);
            while (await _pending.WaitToReadAsync().ConfigureAwait(false))
            {
                group.Clear();
                while (group.Count < MaxWrites && _pending.TryRead(out var pending))
                    group.Add(pending);
                if (group.Count == 0)
                    continue; // another loop took them

                try
                {
                    await CommitWritesAsync(await ConnectionAsync().ConfigureAwait(false), group).ConfigureAwait(false);
                }
                catch (PostgresException exception) when (group.Count > 1)
                {
                    // Refused as a whole, so rolled back as a whole: alone, each write meets only its own fault.
                    _owner.LogGroupRefused(exception, group.Count);
                    foreach (var pending in group)
                        await CommitAloneAsync(pending).ConfigureAwait(false);
                }
                catch (Exception exception)
                {
                    Fail(group, exception);
                }
            }
        }

        private async Task CommitAloneAsync(Pending pending)
        {
            try
            {
                await CommitWritesAsync(await ConnectionAsync().ConfigureAwait(false), [pending]).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                Fail([pending], exception);
            }
        }

        private void Fail(IReadOnlyList<Pending> group, Exception exception)
        {
            // Answered first: whatever closing the connection meets, no message may be left waiting for its answer.
            foreach (var pending in group)
                pending.Committed.TrySetException(exception);

            // A connection that failed, rather than a statement PostgreSQL refused, is not used again.
            if (exception is not PostgresException && _connection is not null)
            {
                var failed = _connection;
                _connection = null;
                failed.Dispose();
            }
        }

        private async Task<NpgsqlConnection> ConnectionAsync()
        {
            if (_connection is { State: System.Data.ConnectionState.Open })
                return _connection;
            if (_connection is not null)
                await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = await _owner._dataSource.OpenConnectionAsync().ConfigureAwait(false);
            return _connection;
        }
    }
}
