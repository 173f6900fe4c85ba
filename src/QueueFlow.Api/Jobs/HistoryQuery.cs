using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using QueueFlow.Api.Paging;
using QueueFlow.Api.Problems;
using QueueFlow.Persistence;

namespace QueueFlow.Api.Jobs;

/// <summary>
/// A page of <c>GET /api/jobs/{id}/history</c>: the rows after a sequence number, in sequence order, read as a range
/// of the unique (job_id, sequence) index. The place to start is <c>cursor</c> (a previous page's nextCursor) or
/// <c>after</c>, the plain sequence number, for a caller that already holds the history up to a row.
/// </summary>
public static class HistoryQuery
{
    /// <summary>The sequence number to read after: 0 (from the first row) when the request names none.</summary>
    public static ProblemHttpResult? After(HttpRequest request, Guid jobId, out int after)
    {
        ArgumentNullException.ThrowIfNull(request);
        after = 0;
        var cursor = ListQuery.Text(request, "cursor");
        var raw = ListQuery.Text(request, "after");
        if (cursor is not null && raw is not null)
            return ApiProblems.InvalidParameter("after", "Give after or cursor, not both.");
        if (cursor is not null)
        {
            return Cursor.Decode(cursor, 1, Scope(jobId), out var otherJob) is [var sequence] && int.TryParse(sequence, NumberStyles.None, CultureInfo.InvariantCulture, out after)
                ? null
                : ListQuery.InvalidCursor(otherJob);
        }

        if (raw is not null && !int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out after))
            return ApiProblems.InvalidParameter("after", $"after must be a history sequence number (0 or more), not '{raw}'.");
        return null;
    }

    public static IQueryable<HistoryEntryDocument> Build(QueueFlowDbContext db, Guid jobId, int after, int take)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.JobHistory.AsNoTracking().Where(h => h.JobId == jobId && h.Sequence > after).OrderBy(h => h.Sequence).Take(take)
            .Select(h => new HistoryEntryDocument(h.Sequence, h.At, h.Kind, h.TaskId, h.AttemptId, h.CommandId, h.From, h.To, h.Detail));
    }

    /// <summary>A history cursor belongs to one job's history.</summary>
    static string Scope(Guid jobId) => $"history\n{jobId:D}";

    public static string Encode(Guid jobId, HistoryEntryDocument last)
    {
        ArgumentNullException.ThrowIfNull(last);
        return Cursor.Encode(Scope(jobId), last.Sequence.ToString(CultureInfo.InvariantCulture));
    }
}
