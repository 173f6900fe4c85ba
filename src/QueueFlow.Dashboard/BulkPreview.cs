using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace QueueFlow.Dashboard;

/// <summary>
/// What the jobs page's bulk actions would take now, asked of the API with the same filters they send
/// (POST /api/jobs/cancel/count, POST /api/tasks/retry/count), so the buttons and their confirmation name a number
/// instead of "every job the filter matches". A count the API refused (or could not give) is null: the button then
/// says what it does without a number, and the action itself reports the API's reason.
/// </summary>
public sealed record BulkPreview(string? Cancel, string? Retry)
{
    /// <summary>The counts for <paramref name="filter"/>: one cancel count per status it walks, summed, and one retry count.</summary>
    public static async Task<BulkPreview> LoadAsync(DashboardApi api, HttpContext context, string key, JobsFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(filter);
        (long Count, bool More)? cancel = (0, false);
        foreach (var status in filter.CancelStatuses)
        {
            var answer = await api.PostAsync(context, key, "api/jobs/cancel/count", new { filter = filter.CancelFilter(status) }, cancellationToken).ConfigureAwait(false);
            cancel = cancel is { } sum && Read(answer) is { } one ? (sum.Count + one.Count, sum.More || one.More) : null;
        }

        var retry = Read(await api.PostAsync(context, key, "api/tasks/retry/count", new { filter = filter.RetryFilter() }, cancellationToken).ConfigureAwait(false));
        return new BulkPreview(Text(cancel), Text(retry));
    }

    static (long Count, bool More)? Read(ApiAnswer answer) =>
        answer.Ok ? (answer.Body.GetProperty("count").GetInt64(), answer.Body.GetProperty("more").GetBoolean()) : null;

    /// <summary>"37", or "10,000+" when the API stopped counting there.</summary>
    static string? Text((long Count, bool More)? count) =>
        count is { } c ? c.Count.ToString("N0", CultureInfo.InvariantCulture) + (c.More ? "+" : "") : null;
}
