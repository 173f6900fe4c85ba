using System.Globalization;
using Microsoft.EntityFrameworkCore;
using QueueFlow.Persistence;

namespace QueueFlow.Api.Events;

/// <summary>
/// Follows <c>job_history</c> in id order for one stream, so every instance serves the same feed from PostgreSQL.
/// <para>
/// History ids are identity values taken when a row is inserted, not when its transaction commits: a transaction can
/// hold id 8 open while id 9 commits. A reader that kept "the last id seen" would pass 8 and never read it. So the feed
/// never passes an id it has not seen: an id missing below a visible one is a gap, and the feed stops there until the
/// gap either shows up (its transaction committed) or is known never to (it rolled back). Known means: the gap was
/// seen under a snapshot whose xmax was M, and a later snapshot's xmin has passed M, so every transaction that could
/// hold the id has ended. That check runs twice, the second time from the snapshot that passed the first, because a
/// transaction takes its id (nextval) a moment before it takes its transaction id; the second round leaves it a whole
/// poll to do so. Snapshot and rows come from one statement, so they agree.
/// </para>
/// <para>
/// Every event's id is its history id, and the feed emits in id order, so ids rise strictly and resuming after one
/// (Last-Event-ID) misses nothing: everything at or below it was settled when it was sent. Memory is one batch, plus,
/// for a stream that starts now, the ids already visible at its start (at most <see cref="FreshWindow"/>).
/// </para>
/// </summary>
public sealed class HistoryFeed
{
    /// <summary>How many of the latest entries a stream starting now looks back over for ones still being committed.</summary>
    public const int FreshWindow = 1000;

    const string Sql = $$"""
        WITH snap AS MATERIALIZED (SELECT pg_current_snapshot() AS s)
        SELECT pg_snapshot_xmin(snap.s)::text AS "Horizon", pg_snapshot_xmax(snap.s)::text AS "Mark",
               r.id AS "Id", r.job_id AS "JobId", r.task_id AS "TaskId", r.kind AS "Kind", r."to" AS "To", r.at AS "At", r.workflow AS "Workflow"
        FROM snap LEFT JOIN LATERAL (
            SELECT h.id, h.job_id, h.task_id, h.kind, h."to", h.at, j.workflow
            FROM {{QueueFlowDbContext.Schema}}.job_history h LEFT JOIN {{QueueFlowDbContext.Schema}}.jobs j ON j.id = h.job_id
            WHERE h.id > {0} ORDER BY h.id LIMIT {1}) r ON true
        ORDER BY r.id
        """;

    const string StartSql = $$"""
        WITH snap AS MATERIALIZED (SELECT pg_current_snapshot() AS s)
        SELECT pg_snapshot_xmin(snap.s)::text AS "Horizon", pg_snapshot_xmax(snap.s)::text AS "Mark", r.id AS "Id",
               NULL::uuid AS "JobId", NULL::text AS "TaskId", NULL::text AS "Kind", NULL::text AS "To", NULL::timestamptz AS "At", NULL::text AS "Workflow"
        FROM snap LEFT JOIN LATERAL (SELECT h.id FROM {{QueueFlowDbContext.Schema}}.job_history h ORDER BY h.id DESC LIMIT {{FreshWindowText}}) r ON true
        """;

    const string FreshWindowText = "1000";

    readonly EventFilter _filter;
    readonly int _batchSize;

    /// <summary>Ids above <see cref="_position"/> that were committed before a fresh stream began: passed without being sent.</summary>
    readonly HashSet<long> _before = [];
    bool _started;

    /// <summary>Every entry with an id up to here has been sent, filtered out, or is known never to commit.</summary>
    long _position;

    long? _gap;
    ulong _gapMark;
    bool _gapConfirming;

    HistoryFeed(long position, bool started, EventFilter filter, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        (_position, _started, _filter, _batchSize) = (position, started, filter, batchSize);
    }

    /// <summary>A feed resuming after the event with id <paramref name="position"/>.</summary>
    public static HistoryFeed After(long position, EventFilter filter, int batchSize) => new(position, started: true, filter, batchSize);

    /// <summary>A feed of what is committed from its first read on.</summary>
    public static HistoryFeed FromNow(EventFilter filter, int batchSize) => new(0, started: false, filter, batchSize);

    /// <summary>The last read took a full batch: more is waiting, read again without pausing.</summary>
    public bool Behind { get; private set; }

    /// <summary>The changes matching the filter committed since the last read, in id order; may be empty.</summary>
    public async Task<IReadOnlyList<JobEvent>> ReadAsync(QueueFlowDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!_started)
        {
            var latest = await db.Database.SqlQueryRaw<FeedRow>(StartSql).ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var row in latest.Where(r => r.Id is not null))
                _before.Add(row.Id!.Value);
            _position = _before.Count == 0 ? 0 : _before.Min() - 1;
            _started = true;
        }

        var rows = await db.Database.SqlQueryRaw<FeedRow>(Sql, _position, _batchSize).ToListAsync(cancellationToken).ConfigureAwait(false);
        var horizon = ulong.Parse(rows[0].Horizon, CultureInfo.InvariantCulture);
        var mark = ulong.Parse(rows[0].Mark, CultureInfo.InvariantCulture);
        var events = new List<JobEvent>();
        var read = 0;
        foreach (var row in rows)
        {
            if (row.Id is not { } id)
                continue;
            read++;
            if (id > _position + 1 && !GapSettled(_position + 1, horizon, mark))
                break;

            _gap = null;
            _position = id;
            if (_before.Remove(id) || row.To is null)
                continue;
            var change = new JobEvent(id, row.JobId!.Value, row.Workflow, row.TaskId, row.To, row.Kind!, row.At!.Value);
            if (_filter.Matches(change))
                events.Add(change);
        }

        Behind = read == _batchSize && _gap is null;
        return events;
    }

    /// <summary>Whether the ids from <paramref name="start"/> up to the next visible one are known never to commit (see the class remarks).</summary>
    bool GapSettled(long start, ulong horizon, ulong mark)
    {
        if (_gap != start)
        {
            (_gap, _gapMark, _gapConfirming) = (start, mark, false);
            return false;
        }

        if (horizon < _gapMark)
            return false;
        if (!_gapConfirming)
        {
            (_gapMark, _gapConfirming) = (mark, true);
            return false;
        }

        return true;
    }

    sealed record FeedRow(string Horizon, string Mark, long? Id, Guid? JobId, string? TaskId, string? Kind, string? To, DateTimeOffset? At, string? Workflow);
}
