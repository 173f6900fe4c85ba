using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using QueueFlow.Core.Telemetry;

namespace QueueFlow.Persistence.Jobs;

/// <summary>
/// Locks and reads the jobs of several messages in one round trip, on a session of the process's own that then holds
/// their send locks (<see cref="JobLocks"/>) until each message releases its own: what <see cref="LockedJobReader"/>
/// does per message, done once per group of messages, the way <see cref="GroupCommit"/> does their writes. A release,
/// with the deletes of the outbox rows its message sent, goes out with the next group's reads, before them, in the same
/// round trip: the deletes are committed first (<see cref="SentRowsRelease.AddDeletes"/>), so the job's next message,
/// here or on another session, never finds its predecessor's sent rows still there.
/// <para>
/// The session only ever tries a lock (<c>pg_try_advisory_lock</c>): it is shared, so it must never wait. A job whose
/// lock another session holds (another instance, the relay, a message of this process on its own session) is answered
/// <see cref="LockedRead.Busy"/>, and that message locks it on its own session, waiting as before. A job this session
/// holds for another message already (trying again would succeed: advisory locks are re-entrant per session) waits
/// here, in order, and gets the lock as it is when that message releases it (the job's next message is usually already
/// here by then: its RunTask went out before the release). A message reads its job only once the lock is held, in the
/// statements after the lock's, each with a snapshot of its own (READ COMMITTED), so it sees the last change committed
/// to the job.
/// </para>
/// <para>
/// Should the session fail, every lock it held is gone with it: the messages that held one finish under the job row's
/// version check alone (a write that meets a newer row fails and its message is retried), as when a message's own
/// session fails, and whatever was in the failed round trip or waited for a lock is answered Busy. The session is not
/// pooled, so that giving it up really ends it: a pooled connection goes back to the pool still holding its
/// session-level advisory locks (the pool does not reset connections), and the jobs it held would stay locked for
/// every other session, and for every other instance, while it sat there.
/// </para>
/// <para>
/// A lock held by one message for longer than anything a message waits for by design (<see cref="LongHeld"/>) is
/// reported once as a warning naming the job: a message that hangs holding its job's lock stalls that job everywhere,
/// and the log is where an operator finds which one.
/// </para>
/// </summary>
public sealed partial class GroupRead : IAsyncDisposable
{
    /// <summary>At most this many jobs locked and read in one round trip.</summary>
    internal const int MaxReads = 64;

    /// <summary>
    /// Longer than a message holds its job's lock by design: its sends' timeout (30 s by default) and a few database
    /// round trips, each bounded by the command timeout.
    /// </summary>
    internal static readonly TimeSpan LongHeld = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(15);

    // Put in the loop's queue by the timer: the loop looks for long-held locks (only the loop touches what it holds).
    private static readonly Request Check = new(Guid.Empty, 0, null);

    private static readonly string Settings =
        $"SELECT set_config('plan_cache_mode', 'force_generic_plan', true), {IndexLookups.ForThisTransaction}";

    // Only jobs with a row are tried: a job not started yet is not locked, so two starts of it race to the insert.
    private static readonly string TryLock =
        $"SELECT j.id, pg_try_advisory_lock({JobLocks.Class}, {JobLocks.KeyOf("j.id::text")}) FROM queueflow.jobs AS j WHERE j.id = ANY($1)";

    private static readonly string Unlock =
        $"SELECT pg_advisory_unlock({JobLocks.Class}, {JobLocks.KeyOf("t.id::text")}) FROM unnest($1) AS t(id)";

    // Every job asked for is read, locked or not: a statement cannot see what the one before it returned. The rows of a
    // job whose lock was not granted are dropped.
    private const string ReadJobs = $"SELECT j.id, {LockedJobReader.JobColumns} FROM queueflow.jobs AS j WHERE j.id = ANY($1)";

    private const string ReadTasks =
        $"SELECT job_id, {LockedJobReader.TaskColumns} FROM queueflow.job_tasks WHERE job_id = ANY($1) ORDER BY job_id, task_id";

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<GroupRead> _logger;
    private readonly Channel<Request> _requests = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });

    // The jobs this session holds a lock of, each with the ticket of the message it holds it for, and the messages that
    // wait for those locks, in order of arrival; only the loop touches them.
    private readonly Dictionary<Guid, Holder> _held = [];
    private readonly Dictionary<Guid, Queue<Request>> _waiting = [];
    private readonly Task _reading;
    private readonly ITimer _checking;
    private readonly TimeProvider _clock;
    private NpgsqlConnection? _connection;
    private long _lastTicket;

    public GroupRead(string connectionString, ILogger<GroupRead> logger, TimeProvider? clock = null)
    {
        var unpooled = new NpgsqlConnectionStringBuilder(QueueFlowDbContextOptions.Tuned(connectionString)) { Pooling = false };
        _dataSource = NpgsqlDataSource.Create(unpooled.ConnectionString);
        _logger = logger;
        _clock = clock ?? TimeProvider.System;
        _reading = Task.Run(ReadAsync);
        _checking = _clock.CreateTimer(_ => _requests.Writer.TryWrite(Check), null, CheckEvery, CheckEvery);
    }

    /// <summary>
    /// Locks and reads <paramref name="jobId"/> with whatever other reads wait. Not cancellable once handed over: a lock
    /// taken must be released by <see cref="Release"/>, so the answer must reach the message.
    /// </summary>
    internal Task<LockedRead> ReadAsync(Guid jobId)
    {
        var request = new Request(jobId, 0, new TaskCompletionSource<LockedRead>(TaskCreationOptions.RunContinuationsAsynchronously));
        return _requests.Writer.TryWrite(request) ? request.Answer!.Task : Task.FromResult(LockedRead.Busy);
    }

    /// <summary>
    /// Deletes the outbox rows <paramref name="sent"/> went out as and releases the lock <paramref name="read"/> took, with
    /// the next round trip. It need not be waited for: the job's next message, here or elsewhere, waits for the unlock
    /// itself. False when it takes nothing: a read that took no lock here, or a session that is closing (a worker that
    /// is stopping closes it, which releases every lock it held); the caller then deletes the rows itself.
    /// </summary>
    internal bool Release(LockedRead read, Guid[]? sent = null) =>
        read.Ticket != 0 && _requests.Writer.TryWrite(new Request(read.Job!.Job.CorrelationId, read.Ticket, null, sent));

    public async ValueTask DisposeAsync()
    {
        await _checking.DisposeAsync().ConfigureAwait(false);
        _requests.Writer.TryComplete();
        await _reading.ConfigureAwait(false);
        if (_connection is not null)
            await _connection.DisposeAsync().ConfigureAwait(false);
        _connection = null;
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    private async Task ReadAsync()
    {
        var round = new Round();
        while (await _requests.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            round.Clear();
            while (round.Reads < MaxReads && _requests.Reader.TryRead(out var request))
                Take(request, round);
            if (round.IsEmpty)
                continue;

            try
            {
                await RunAsync(await ConnectionAsync().ConfigureAwait(false), round).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                // Closing the session releases every lock it held, including any this round trip took before it failed.
                LogSessionFailed(exception, round.Reads, _held.Count, round.Deletes.Count);
                if (_connection is not null)
                    await _connection.DisposeAsync().ConfigureAwait(false);
                _connection = null;
                foreach (var read in round.Tries.Concat(round.HandedOver))
                    read.Answer!.TrySetResult(LockedRead.Busy);
                ForgetLocks();
            }
        }
    }

    private void Take(Request request, Round round)
    {
        if (ReferenceEquals(request, Check))
        {
            ReportLongHeld();
            return;
        }

        if (request.Answer is null)
        {
            // Deleted whether or not the lock is still held here: rows that went out are never wanted again.
            if (request.Sent is { } sent)
                round.Deletes.AddRange(sent);

            // Only the message the lock was taken for releases it (a release after the session failed finds nothing).
            if (!_held.TryGetValue(request.JobId, out var holder) || holder.Ticket != request.Ticket)
                return;

            // The job's next message here, if one waits, gets the lock as it is: no unlock, no other session in between.
            if (_waiting.TryGetValue(request.JobId, out var waiting))
            {
                var next = waiting.Dequeue();
                if (waiting.Count == 0)
                    _waiting.Remove(request.JobId);
                _held[request.JobId] = NewHolder();
                round.HandedOver.Add(next);
                return;
            }

            _held.Remove(request.JobId);
            round.Unlocks.Add(request.JobId);
            return;
        }

        // Held through this session already (trying again would be granted: advisory locks are re-entrant per session),
        // or asked for twice in one round: the message waits for the release of the one before it.
        if (_held.ContainsKey(request.JobId) || round.Tries.Exists(r => r.JobId == request.JobId))
        {
            if (!_waiting.TryGetValue(request.JobId, out var waiting))
                _waiting[request.JobId] = waiting = new Queue<Request>();
            waiting.Enqueue(request);
            return;
        }

        round.Tries.Add(request);
    }

    private async Task RunAsync(NpgsqlConnection connection, Round round)
    {
        using var batch = new NpgsqlBatch(connection);
        if (round.Deletes.Count > 0)
            SentRowsRelease.AddDeletes(batch, round.Deletes);
        if (round.Unlocks.Count > 0)
            batch.BatchCommands.Add(Statement(Unlock, round.Unlocks));
        var ids = round.Tries.Concat(round.HandedOver).Select(r => r.JobId).ToList();
        if (ids.Count > 0)
        {
            QueueFlowMetrics.GroupRead(ids.Count);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(Settings));
            if (round.Tries.Count > 0)
                batch.BatchCommands.Add(Statement(TryLock, round.Tries.ConvertAll(r => r.JobId)));
            batch.BatchCommands.Add(Statement(ReadJobs, ids));
            batch.BatchCommands.Add(Statement(ReadTasks, ids));
        }

        var reader = await batch.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (ids.Count == 0)
            {
                // Read through, so that a statement that failed fails the round trip here.
                while (await reader.NextResultAsync(CancellationToken.None).ConfigureAwait(false))
                {
                }

                return;
            }

            if (round.Deletes.Count > 0)
                await reader.NextResultAsync(CancellationToken.None).ConfigureAwait(false);
            if (round.Unlocks.Count > 0)
                await reader.NextResultAsync(CancellationToken.None).ConfigureAwait(false);
            await reader.NextResultAsync(CancellationToken.None).ConfigureAwait(false);

            // Every lock granted is recorded at once, so that whatever fails later, it is known and released.
            var locked = round.HandedOver.ToDictionary(r => r.JobId, r => _held[r.JobId].Ticket);
            if (round.Tries.Count > 0)
            {
                while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    if (!reader.GetBoolean(1))
                        continue;
                    var jobId = reader.GetGuid(0);
                    var holder = NewHolder();
                    _held[jobId] = holder;
                    locked[jobId] = holder.Ticket;
                }

                await reader.NextResultAsync(CancellationToken.None).ConfigureAwait(false);
            }

            var jobs = new Dictionary<Guid, LockedJob>();
            while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                var jobId = reader.GetGuid(0);
                if (locked.ContainsKey(jobId))
                    jobs[jobId] = LockedJobReader.ReadJobRow(reader, 1, jobId);
            }

            await reader.NextResultAsync(CancellationToken.None).ConfigureAwait(false);
            while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                var jobId = reader.GetGuid(0);
                if (jobs.TryGetValue(jobId, out var job))
                    job.Job.Tasks.Add(LockedJobReader.ReadTask(reader, 1, jobId));
            }

            foreach (var read in round.Tries.Concat(round.HandedOver))
                read.Answer!.TrySetResult(Answer(read.JobId, locked, jobs));
        }
    }

    private LockedRead Answer(Guid jobId, Dictionary<Guid, long> locked, Dictionary<Guid, LockedJob> jobs)
    {
        if (!locked.TryGetValue(jobId, out var ticket))
        {
            // No row to try: the job does not exist (yet). A row, but no lock: someone else holds it. Either way the
            // messages that waited here for this one's release would wait for nothing: they go to their own sessions.
            if (_waiting.Remove(jobId, out var waiting))
            {
                foreach (var read in waiting)
                    read.Answer!.TrySetResult(LockedRead.Busy);
            }

            return LockedRead.Busy;
        }

        if (jobs.TryGetValue(jobId, out var job))
            return new LockedRead(ticket, job);

        // Deleted between the lock and the read: nothing to apply the message to, and the lock goes back (or on).
        _requests.Writer.TryWrite(new Request(jobId, ticket, null));
        return LockedRead.Busy;
    }

    private static NpgsqlBatchCommand Statement(string sql, List<Guid> ids) => new(sql)
    {
        Parameters = { new NpgsqlParameter<Guid[]> { TypedValue = [.. ids], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid } },
    };

    private async Task<NpgsqlConnection> ConnectionAsync()
    {
        if (_connection is { State: System.Data.ConnectionState.Open })
            return _connection;
        if (_connection is not null)
            await _connection.DisposeAsync().ConfigureAwait(false);
        ForgetLocks();
        _connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        return _connection;
    }

    private Holder NewHolder() => new(++_lastTicket, _clock.GetTimestamp());

    /// <summary>Warns, once per message, of each lock one message has held for longer than <see cref="LongHeld"/>.</summary>
    private void ReportLongHeld()
    {
        foreach (var (jobId, holder) in _held)
        {
            if (holder.Reported || _clock.GetElapsedTime(holder.Since) < LongHeld)
                continue;
            holder.Reported = true;
            LogLongHeld(jobId, (int)_clock.GetElapsedTime(holder.Since).TotalSeconds, _waiting.TryGetValue(jobId, out var waiting) ? waiting.Count : 0);
        }
    }

    /// <summary>
    /// The session is gone, and its locks with it: no release will come for the messages that wait here, so they go to
    /// their own sessions.
    /// </summary>
    private void ForgetLocks()
    {
        _held.Clear();
        foreach (var read in _waiting.Values.SelectMany(w => w))
            read.Answer!.TrySetResult(LockedRead.Busy);
        _waiting.Clear();
    }

    [LoggerMessage(EventId = 24, Level = LogLevel.Warning,
        Message = "The session that locks and reads jobs in groups failed with {Reads} reads in flight, {Held} locks held and {Deletes} sent outbox rows to delete; those locks are released, the messages lock their jobs on their own sessions, and rows not deleted are sent again by the relay (answered as duplicates)")]
    private partial void LogSessionFailed(Exception exception, int reads, int held, int deletes);

    [LoggerMessage(EventId = 25, Level = LogLevel.Warning,
        Message = "Job {JobId}'s lock has been held by one message for {Seconds}s, longer than any message waits by design; {Waiting} more of its messages wait here, and its messages on other instances wait too")]
    private partial void LogLongHeld(Guid jobId, int seconds, int waiting);

    /// <summary>A read (with its <see cref="Answer"/>) or a release (with the rows its message <see cref="Sent"/>).</summary>
    private sealed record Request(Guid JobId, long Ticket, TaskCompletionSource<LockedRead>? Answer, Guid[]? Sent = null);

    /// <summary>The message that holds a job's lock here (by its ticket), since when, and whether that was reported.</summary>
    private sealed class Holder(long ticket, long since)
    {
        public long Ticket { get; } = ticket;

        public long Since { get; } = since;

        public bool Reported { get; set; }
    }

    /// <summary>What one round trip does: the locks it releases, tries and reads, and the reads of locks handed on.</summary>
    private sealed class Round
    {
        /// <summary>The outbox rows released messages sent, deleted and committed before anything else.</summary>
        public List<Guid> Deletes { get; } = [];

        public List<Guid> Unlocks { get; } = [];

        public List<Request> Tries { get; } = new(MaxReads);

        /// <summary>Reads of jobs whose lock passed from a released message to the job's next one, still held.</summary>
        public List<Request> HandedOver { get; } = [];

        public int Reads => Tries.Count + HandedOver.Count;

        public bool IsEmpty => Deletes.Count == 0 && Unlocks.Count == 0 && Reads == 0;

        public void Clear()
        {
            Deletes.Clear();
            Unlocks.Clear();
            Tries.Clear();
            HandedOver.Clear();
        }
    }
}

/// <summary>
/// What <see cref="GroupRead"/> answered a message: its job, locked by the group's session under <see cref="Ticket"/>,
/// or <see cref="Busy"/>: not locked there (no row, or the lock is held elsewhere), so the message locks and reads its job
/// on its own session.
/// </summary>
internal sealed record LockedRead(long Ticket, LockedJob? Job)
{
    public static readonly LockedRead Busy = new(0, null);
}
