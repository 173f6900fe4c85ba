using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using QueueFlow.Core.Telemetry;

namespace QueueFlow.Persistence.Jobs;

/// <summary>
/// Locks and reads the jobs of several messages in one round trip, on a session of the process's own that then holds
/// their send locks (<see cref="JobLocks"/>) until each message releases its own: what <see cref="LockedJobReader"/>
/// does per message, done once per group of messages, the way <see cref="GroupCommit"/> does their writes. A release
/// goes out with the next group's reads, before them, in the same round trip.
/// <para>
/// The session only ever tries a lock (<c>pg_try_advisory_lock</c>): it is shared, so it must never wait. A job whose
/// lock another session holds (another instance, the relay, a message of this process on its own session), or that a
/// message of this process holds through this session already (advisory locks are re-entrant per session, so trying
/// again would succeed), is answered <see cref="LockedRead.Busy"/>, and that message locks it on its own session,
/// waiting as before. A message reads its job only once the lock is granted, in the statements after the lock's, each
/// with a snapshot of its own (READ COMMITTED), so it sees the last change committed to the job.
/// </para>
/// <para>
/// Should the session fail, every lock it held is gone with it: the messages that held one finish under the job row's
/// version check alone (a write that meets a newer row fails and its message is retried), as when a message's own
/// session fails, and whatever was in the failed round trip is answered Busy.
/// </para>
/// </summary>
public sealed partial class GroupRead : IAsyncDisposable
{
    /// <summary>At most this many jobs locked and read in one round trip.</summary>
    internal const int MaxReads = 64;

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

    // The jobs this session holds a lock of, each with the ticket of the message it holds it for; only the loop touches it.
    private readonly Dictionary<Guid, long> _held = [];
    private readonly Task _reading;
    private NpgsqlConnection? _connection;
    private long _lastTicket;

    public GroupRead(string connectionString, ILogger<GroupRead> logger)
    {
        _dataSource = NpgsqlDataSource.Create(QueueFlowDbContextOptions.Tuned(connectionString));
        _logger = logger;
        _reading = Task.Run(ReadAsync);
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
    /// Releases the lock <paramref name="read"/> took, with the next round trip. It need not be waited for: the job's
    /// next message, here or elsewhere, waits for the unlock itself.
    /// </summary>
    internal void Release(LockedRead read)
    {
        // A worker that is stopping closes the session, which releases every lock it held.
        if (read.Ticket != 0)
            _requests.Writer.TryWrite(new Request(read.Job!.Job.CorrelationId, read.Ticket, null));
    }

    public async ValueTask DisposeAsync()
    {
        _requests.Writer.TryComplete();
        await _reading.ConfigureAwait(false);
        if (_connection is not null)
            await _connection.DisposeAsync().ConfigureAwait(false);
        _connection = null;
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    private async Task ReadAsync()
    {
        var unlocks = new List<Guid>();
        var reads = new List<Request>(MaxReads);
        while (await _requests.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            unlocks.Clear();
            reads.Clear();
            while (reads.Count < MaxReads && _requests.Reader.TryRead(out var request))
                Take(request, unlocks, reads);
            if (unlocks.Count == 0 && reads.Count == 0)
                continue;

            try
            {
                await RunAsync(await ConnectionAsync().ConfigureAwait(false), unlocks, reads).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                // Closing the session releases every lock it held, including any this round trip took before it failed.
                LogSessionFailed(exception, reads.Count, _held.Count);
                if (_connection is not null)
                    await _connection.DisposeAsync().ConfigureAwait(false);
                _connection = null;
                _held.Clear();
                foreach (var read in reads)
                    read.Answer!.TrySetResult(LockedRead.Busy);
            }
        }
    }

    private void Take(Request request, List<Guid> unlocks, List<Request> reads)
    {
        if (request.Answer is null)
        {
            // Only the message the lock was taken for releases it (a release after the session failed finds nothing).
            if (_held.TryGetValue(request.JobId, out var ticket) && ticket == request.Ticket)
            {
                _held.Remove(request.JobId);
                unlocks.Add(request.JobId);
            }

            return;
        }

        // Held through this session already, or asked twice in one group: trying again would be granted (re-entrant).
        if (_held.ContainsKey(request.JobId) || reads.Exists(r => r.JobId == request.JobId))
            request.Answer.TrySetResult(LockedRead.Busy);
        else
            reads.Add(request);
    }

    private async Task RunAsync(NpgsqlConnection connection, List<Guid> unlocks, List<Request> reads)
    {
        using var batch = new NpgsqlBatch(connection);
        if (unlocks.Count > 0)
            batch.BatchCommands.Add(Statement(Unlock, unlocks));
        if (reads.Count > 0)
        {
            QueueFlowMetrics.GroupRead(reads.Count);
            var ids = reads.ConvertAll(r => r.JobId);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(Settings));
            batch.BatchCommands.Add(Statement(TryLock, ids));
            batch.BatchCommands.Add(Statement(ReadJobs, ids));
            batch.BatchCommands.Add(Statement(ReadTasks, ids));
        }

        var reader = await batch.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (reads.Count == 0)
                return;
            if (unlocks.Count > 0)
                await reader.NextResultAsync(CancellationToken.None).ConfigureAwait(false);
            await reader.NextResultAsync(CancellationToken.None).ConfigureAwait(false);

            // Every lock granted is recorded at once, so that whatever fails later, it is known and released.
            var granted = new Dictionary<Guid, long>();
            while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                if (!reader.GetBoolean(1))
                    continue;
                var jobId = reader.GetGuid(0);
                var ticket = ++_lastTicket;
                _held[jobId] = ticket;
                granted[jobId] = ticket;
            }

            await reader.NextResultAsync(CancellationToken.None).ConfigureAwait(false);
            var jobs = new Dictionary<Guid, LockedJob>();
            while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                var jobId = reader.GetGuid(0);
                if (granted.ContainsKey(jobId))
                    jobs[jobId] = LockedJobReader.ReadJobRow(reader, 1, jobId);
            }

            await reader.NextResultAsync(CancellationToken.None).ConfigureAwait(false);
            while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                var jobId = reader.GetGuid(0);
                if (jobs.TryGetValue(jobId, out var job))
                    job.Job.Tasks.Add(LockedJobReader.ReadTask(reader, 1, jobId));
            }

            foreach (var read in reads)
                read.Answer!.TrySetResult(Answer(read.JobId, granted, jobs));
        }
    }

    private LockedRead Answer(Guid jobId, Dictionary<Guid, long> granted, Dictionary<Guid, LockedJob> jobs)
    {
        if (!granted.TryGetValue(jobId, out var ticket))
        {
            // No row to try: the job does not exist (yet). A row, but no lock: someone else holds it.
            return LockedRead.Busy;
        }

        if (jobs.TryGetValue(jobId, out var job))
            return new LockedRead(ticket, job);

        // Deleted between the lock and the read: nothing to apply the message to, and the lock goes back.
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
        _held.Clear();
        _connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        return _connection;
    }

    [LoggerMessage(EventId = 24, Level = LogLevel.Warning,
        Message = "The session that locks and reads jobs in groups failed with {Reads} reads in flight and {Held} locks held; those locks are released, and the messages lock their jobs on their own sessions")]
    private partial void LogSessionFailed(Exception exception, int reads, int held);

    private sealed record Request(Guid JobId, long Ticket, TaskCompletionSource<LockedRead>? Answer);
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
