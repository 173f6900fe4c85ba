using System.Globalization;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace QueueFlow.Dashboard;

/// <summary>The jobs list's filter as the page's query string (or the bulk form) carries it.</summary>
public sealed record JobsFilter(IReadOnlyList<string> Statuses, string? Workflow, string? From, string? To, Guid? Id, bool Newest, string? Cursor)
{
    public static readonly IReadOnlyList<string> JobStatuses = ["Running", "Paused", "Completed", "Failed", "Cancelled"];

    public static JobsFilter Read(IEnumerable<KeyValuePair<string, StringValues>> values)
    {
        var map = values.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
        string? One(string name) => map.TryGetValue(name, out var v) && !StringValues.IsNullOrEmpty(v) && v.ToString().Trim() is { Length: > 0 } s ? s : null;
        var statuses = map.TryGetValue("status", out var st)
            ? st.SelectMany(s => (s ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Where(JobStatuses.Contains).Distinct().ToList()
            : [];
        return new JobsFilter(statuses, One("workflow"), Time(One("from")), Time(One("to")), Guid.TryParse(One("id"), out var id) ? id : null,
            One("sort") != "oldest", One("cursor"));
    }

    /// <summary>A datetime-local field's value read as UTC, in the ISO 8601 form the API takes; nonsense is dropped.</summary>
    static string? Time(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)
            : null;

    /// <summary>
    /// The body filters of a bulk cancel (POST /api/jobs/cancel), walked one after another: one for each open status
    /// chosen, or one without a status (every open job) when none is; none at all when only finished statuses are.
    /// </summary>
    public IReadOnlyList<object> CancelFilters
    {
        get
        {
            var statuses = Statuses.Count == 0 ? [null] : Statuses.Where(s => s is "Running" or "Paused").Select(s => (string?)s).ToList();
            return [.. statuses.Select(status => new { status, workflow = Workflow, from = From, to = To })];
        }
    }

    /// <summary>
    /// The body filter of a bulk retry (POST /api/tasks/retry): the Failed or TimedOut tasks of exactly the jobs this
    /// filter lists (their statuses, workflow and creation time), not of tasks that ended in the time range.
    /// </summary>
    public IReadOnlyList<object> RetryFilters => [new { workflow = Workflow, jobStatuses = Statuses, createdFrom = From, createdTo = To }];

    /// <summary>The query of <c>GET /api/jobs</c>: newest first unless asked otherwise, as people read a dashboard.</summary>
    public string ApiQuery()
    {
        var query = new StringBuilder(Common());
        query.Append("&limit=50");
        if (Cursor is not null)
            query.Append("&cursor=").Append(Uri.EscapeDataString(Cursor));
        return query.ToString();
    }

    /// <summary>This filter as the page's own query, without the cursor.</summary>
    public string PageQuery() => Common();

    public string PageQuery(string cursor) => $"{Common()}&cursor={Uri.EscapeDataString(cursor)}";

    string Common()
    {
        var query = new StringBuilder(Newest ? "sort=newest" : "sort=oldest");
        if (Statuses.Count > 0)
            query.Append("&status=").Append(string.Join(',', Statuses));
        if (Workflow is not null)
            query.Append("&workflow=").Append(Uri.EscapeDataString(Workflow));
        if (From is not null)
            query.Append("&from=").Append(Uri.EscapeDataString(From));
        if (To is not null)
            query.Append("&to=").Append(Uri.EscapeDataString(To));
        return query.ToString();
    }
}
