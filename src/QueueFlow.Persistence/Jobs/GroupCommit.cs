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
/// The deletes of the outbox rows that messages have sent are grouped the same way, on a third connection, in
/// transactions that do not wait for the disk (see <see cref="SentRowsRelease"/>): a write's commit must be durable
/// before its messages go out, a delete's need not, and a message holds its job's lock until its delete committed.
/// </para>
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
    private readonly Channel<Pending<JobChangeBatch>> _writes = Channel.CreateUnbounded<Pending<JobChangeBatch>>();
    private readonly Channel<Pending<Guid[]>> _deletes = Channel.CreateUnbounded<Pending<Guid[]>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CommitLoop<JobChangeBatch>[] _writers;
    private readonly CommitLoop<Guid[]> _deleter;

    public GroupCommit(string connectionString, ILogger<GroupCommit> logger)
    {
        _dataSource = NpgsqlDataSource.Create(QueueFlowDbContextOptions.Tuned(connectionString));
        _logger = logger;
        _writers = [.. Enumerable.Range(0, WriteConnections).Select(_ => new CommitLoop<JobChangeBatch>(this, _writes.Reader, CommitWritesAsync))];
        _deleter = new CommitLoop<Guid[]>(this, _deletes.Reader, DeleteSentAsync);
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
        return Enqueue(_writes, write);
    }

    /// <summary>
    /// Deletes outbox rows that went out, with whatever other deletes are waiting; completes once that is committed, so
    /// that only then the job's lock is released.
    /// </summary>
    internal Task DeleteSentAsync(Guid[] sent) => Enqueue(_deletes, sent);

    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        _deletes.Writer.TryComplete();
        foreach (var writer in _writers)
            await writer.DisposeAsync().ConfigureAwait(false);
        await _deleter.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    private static Task Enqueue<T>(Channel<Pending<T>> channel, T item)
    {
        // Completed on the thread pool, not inline: the committing loop must not run the messages' sends.
        var pending = new Pending<T>(item, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!channel.Writer.TryWrite(pending))
            throw new ObjectDisposedException(nameof(GroupCommit), "The worker is stopping; the message is retried.");
        return pending.Committed.Task;
    }

    private static async Task CommitWritesAsync(NpgsqlConnection connection, IReadOnlyList<Pending<JobChangeBatch>> group)
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

    private static async Task DeleteSentAsync(NpgsqlConnection connection, IReadOnlyList<Pending<Guid[]>> group)
    {
        await SentRowsRelease.DeleteAsync(connection, [.. group.SelectMany(p => p.Item)]).ConfigureAwait(false);
        foreach (var pending in group)
            pending.Committed.TrySetResult();
    }

    [LoggerMessage(EventId = 22, Level = LogLevel.Information,
        Message = "PostgreSQL refused a group of {Items} job writes or deletes; each is committed alone")]
    private partial void LogGroupRefused(Exception exception, int items);

    private sealed record Pending<T>(T Item, TaskCompletionSource Committed);

    /// <summary>A loop that commits, in groups, what waits of one kind of item, on a connection of its own.</summary>
    private sealed class CommitLoop<T> : IAsyncDisposable
    {
        private readonly ChannelReader<Pending<T>> _pending;
        private readonly GroupCommit _owner;
        private readonly Func<NpgsqlConnection, IReadOnlyList<Pending<T>>, Task> _commit;
        private readonly Task _committing;
        private NpgsqlConnection? _connection;

        public CommitLoop(GroupCommit owner, ChannelReader<Pending<T>> pending, Func<NpgsqlConnection, IReadOnlyList<Pending<T>>, Task> commit)
        {
            _owner = owner;
            _pending = pending;
            _commit = commit;
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
            var group = new List<Pending<T>>(MaxWrites);
            while (await _pending.WaitToReadAsync().ConfigureAwait(false))
            {
                group.Clear();
                while (group.Count < MaxWrites && _pending.TryRead(out var pending))
                    group.Add(pending);
                if (group.Count == 0)
                    continue; // another loop took them

                try
                {
                    await _commit(await ConnectionAsync().ConfigureAwait(false), group).ConfigureAwait(false);
                }
                catch (PostgresException exception) when (group.Count > 1)
                {
                    // Refused as a whole, so rolled back as a whole: alone, each item meets only its own fault.
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

        private async Task CommitAloneAsync(Pending<T> pending)
        {
            try
            {
                await _commit(await ConnectionAsync().ConfigureAwait(false), [pending]).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                Fail([pending], exception);
            }
        }

        private void Fail(IReadOnlyList<Pending<T>> group, Exception exception)
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
