using System.Globalization;
using Microsoft.EntityFrameworkCore;
using QueueFlow.Api.Paging;
using QueueFlow.Persistence;
using QueueFlow.Persistence.DeadLetters;

namespace QueueFlow.Api.DeadLetters;

/// <summary>
/// The dead-letter queries: the list walks newest first, a replay or discard by filter walks oldest first (so a
/// backlog is repaired in the order it failed); both are keyset walks over (last_seen_at, id).
/// </summary>
public static class DeadLetterQuery
{
    public static IQueryable<DeadLetterSummary> Newest(QueueFlowDbContext db, DeadLetterFilter filter, DeadLetterKey? after, int take)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(filter);
        var query = filter.Apply(db.DeadLetters.AsNoTracking());
        if (after is { } key)
        {
            var (at, id) = (key.LastSeenAt, key.Id);
            query = query.Where(d => EF.Functions.LessThan(ValueTuple.Create(d.LastSeenAt, d.Id), ValueTuple.Create(at, id)));
        }

        return query.OrderByDescending(d => d.LastSeenAt).ThenByDescending(d => d.Id).Take(take)
            .Select(d => new DeadLetterSummary(d.Id, d.MessageId, d.Source, d.SourceName, d.MessageType, d.Reason, d.JobId, d.TaskId,
                d.FirstSeenAt, d.LastSeenAt, d.SeenCount, d.Status));
    }

    public static IQueryable<DeadLetterKey> Oldest(QueueFlowDbContext db, DeadLetterFilter filter, DeadLetterKey? after, int take)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(filter);
        var query = filter.Apply(db.DeadLetters.AsNoTracking());
        if (after is { } key)
        {
            var (at, id) = (key.LastSeenAt, key.Id);
            query = query.Where(d => EF.Functions.GreaterThan(ValueTuple.Create(d.LastSeenAt, d.Id), ValueTuple.Create(at, id)));
        }

        return query.OrderBy(d => d.LastSeenAt).ThenBy(d => d.Id).Take(take).Select(d => new DeadLetterKey(d.LastSeenAt, d.Id));
    }

    public static string Encode(DeadLetterKey last, string scope)
    {
        ArgumentNullException.ThrowIfNull(last);
        return Cursor.Encode(scope, last.LastSeenAt.UtcTicks.ToString(CultureInfo.InvariantCulture), last.Id.ToString());
    }

    /// <summary>The key an <see cref="Encode"/>d cursor holds, or null when it is not one or was taken under another scope.</summary>
    public static DeadLetterKey? Decode(string cursor, string scope, out bool otherScope) =>
        Cursor.Decode(cursor, 2, scope, out otherScope) is [var ticks, var id]
        && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var utcTicks)
        && utcTicks <= DateTimeOffset.MaxValue.UtcTicks
        && Guid.TryParse(id, out var deadLetterId)
            ? new DeadLetterKey(new DateTimeOffset(utcTicks, TimeSpan.Zero), deadLetterId)
            : null;

    /// <summary>What a cursor is bound to: the list or action it came from and every filter value, so it is refused under another.</summary>
    public static string Scope(string list, object? filter) =>
        string.Join('\n', list, System.Text.Json.JsonSerializer.Serialize(filter));
}
