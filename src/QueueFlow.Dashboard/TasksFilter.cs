using System.Text;
using Microsoft.Extensions.Primitives;

namespace QueueFlow.Dashboard;

/// <summary>The task list's filter as the page's query string carries it: the overview's task figures link here.</summary>
public sealed record TasksFilter(IReadOnlyList<string> Statuses, string? Queue, string? Workflow, string? Cursor)
{
    public static readonly IReadOnlyList<string> TaskStatuses = ["Pending", "Scheduled", "Running", "Paused", "Completed", "Failed", "TimedOut", "Cancelled", "Skipped"];

    public static TasksFilter Read(IEnumerable<KeyValuePair<string, StringValues>> values)
    {
        var map = values.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
        string? One(string name) => map.TryGetValue(name, out var v) && !StringValues.IsNullOrEmpty(v) && v.ToString().Trim() is { Length: > 0 } s ? s : null;
        // Unknown statuses are dropped rather than sent on, as on the jobs list: the checkboxes offer only real ones.
        var statuses = map.TryGetValue("status", out var st)
            ? st.SelectMany(s => (s ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Where(TaskStatuses.Contains).Distinct().ToList()
            : [];
        return new TasksFilter(statuses, One("queue"), One("workflow"), One("cursor"));
    }

    /// <summary>
    /// The body filter of a bulk retry of the listed tasks (POST /api/tasks/retry): the Failed and TimedOut ones of the
    /// queue and workflow, only one of them when only that one is chosen, none when the statuses chosen are neither.
    /// </summary>
    public IReadOnlyList<object> RetryFilters
    {
        get
        {
            var retriable = Statuses.Where(s => s is "Failed" or "TimedOut").ToList();
            if (Statuses.Count > 0 && retriable.Count == 0)
                return [];
            return [new { queue = Queue, workflow = Workflow, status = retriable.Count == 1 ? retriable[0] : null }];
        }
    }

    /// <summary>The query of <c>GET /api/tasks</c> (ordered by job and task, keyset-paged).</summary>
    public string ApiQuery()
    {
        var query = new StringBuilder(PageQuery());
        query.Append(query.Length > 0 ? "&" : "").Append("limit=50");
        if (Cursor is not null)
            query.Append("&cursor=").Append(Uri.EscapeDataString(Cursor));
        return query.ToString();
    }

    /// <summary>This filter as the page's own query, without the cursor.</summary>
    public string PageQuery()
    {
        var parts = new List<string>();
        if (Statuses.Count > 0)
            parts.Add("status=" + string.Join(',', Statuses));
        if (Queue is not null)
            parts.Add("queue=" + Uri.EscapeDataString(Queue));
        if (Workflow is not null)
            parts.Add("workflow=" + Uri.EscapeDataString(Workflow));
        return string.Join('&', parts);
    }

    public string PageQuery(string cursor) => PageQuery() is { Length: > 0 } query ? $"{query}&cursor={Uri.EscapeDataString(cursor)}" : $"cursor={Uri.EscapeDataString(cursor)}";
}
