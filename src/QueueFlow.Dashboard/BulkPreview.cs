using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace QueueFlow.Dashboard;

/// <summary>
/// What a list page's bulk actions would take now, asked of the API with the same filters they send
/// (POST /api/jobs/cancel/count, POST /api/tasks/retry/count), so the buttons and their confirmation name a number
/// instead of "every job the filter matches". A count the API refused (or could not give) is null: the button then
/// says what it does without a number, and the action itself reports the API's reason.
/// </summary>
public sealed record BulkPreview(string? Cancel, string? Retry)
{
    /// <summary>The jobs list's counts: one cancel count per status it walks, summed, and one retry count.</summary>
    public static async Task<BulkPreview> ForJobsAsync(DashboardApi api, HttpContext context, string key, JobsFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var cancel = await CountAsync(api, context, key, "api/jobs/cancel/count", filter.CancelFilters, cancellationToken).ConfigureAwait(false);
        var retry = await CountAsync(api, context, key, "api/tasks/retry/count", filter.RetryFilters, cancellationToken).ConfigureAwait(false);
        return new BulkPreview(cancel, retry);
    }

    /// <summary>The task list's count: its Failed and TimedOut tasks a retry would take.</summary>
    public static async Task<BulkPreview> ForTasksAsync(DashboardApi api, HttpContext context, string key, TasksFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return new BulkPreview(null, await CountAsync(api, context, key, "api/tasks/retry/count", filter.RetryFilters, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The counts of <paramref name="filters"/> summed, as text: "37", or "10,000+" when the API stopped counting.</summary>
    static async Task<string?> CountAsync(DashboardApi api, HttpContext context, string key, string route, IReadOnlyList<object> filters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        var (count, more) = (0L, false);
        foreach (var filter in filters)
        {
            var answer = await api.PostAsync(context, key, route, new { filter }, cancellationToken).ConfigureAwait(false);
            if (!answer.Ok)
                return null;
            count += answer.Body.GetProperty("count").GetInt64();
            more |= answer.Body.GetProperty("more").GetBoolean();
        }

        return count.ToString("N0", CultureInfo.InvariantCulture) + (more ? "+" : "");
    }
}
