using Microsoft.EntityFrameworkCore;

namespace QueueFlow.Persistence.DeadLetters;

/// <summary>Which dead letters a list, a replay or a discard takes. Null means "any"; text matches are case-insensitive substrings.</summary>
public sealed record DeadLetterFilter
{
    public DeadLetterStatus? Status { get; init; }

    /// <summary>Any of these statuses (a list's <c>status=Pending,Replayed</c>); empty means no such condition.</summary>
    public IReadOnlyList<DeadLetterStatus> Statuses { get; init; } = [];
    public DeadLetterSource? Source { get; init; }
    public string? Reason { get; init; }
    public string? MessageType { get; init; }
    public Guid? JobId { get; init; }
    public string? TaskId { get; init; }

    /// <summary>Last seen at or after.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Last seen before.</summary>
    public DateTimeOffset? To { get; init; }

    public IQueryable<DeadLetter> Apply(IQueryable<DeadLetter> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (Status is { } status)
            query = query.Where(d => d.Status == status);
        if (Statuses is [var single])
            query = query.Where(d => d.Status == single);
        else if (Statuses.Count > 1)
        {
            var any = Statuses.ToArray();
            query = query.Where(d => any.Contains(d.Status));
        }

        if (Source is { } source)
            query = query.Where(d => d.Source == source);
        if (Reason is { } reason)
        {
            var pattern = $"%{Like(reason)}%";
            query = query.Where(d => EF.Functions.ILike(d.Reason, pattern, "\\"));
        }

        if (MessageType is { } type)
        {
            var pattern = $"%{Like(type)}%";
            query = query.Where(d => d.MessageType != null && EF.Functions.ILike(d.MessageType, pattern, "\\"));
        }

        if (JobId is { } jobId)
            query = query.Where(d => d.JobId == jobId);
        if (TaskId is { } taskId)
            query = query.Where(d => d.TaskId == taskId);
        if (From is { } from)
            query = query.Where(d => d.LastSeenAt >= from);
        if (To is { } to)
            query = query.Where(d => d.LastSeenAt < to);
        return query;
    }

    static string Like(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
