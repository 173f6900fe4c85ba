using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace QueueFlow.Dashboard;

/// <summary>
/// A bulk cancel or retry on a list's filter: the API a page at a time (POST /api/jobs/cancel, or POST /api/tasks/retry)
/// for each of <paramref name="filters"/> in turn until it is used up, counting as it goes so the page can show how far
/// it got. Each API page is its own request, so a run stops cleanly when the browser goes away, with what was done kept.
/// </summary>
/// <param name="filters">The API's body filters, walked one after another (a bulk cancel takes one job status each).</param>
public sealed class BulkRun(DashboardApi api, HttpContext context, string key, IReadOnlyList<object> filters, bool retry, int pageSize)
{
    public int Matched { get; private set; }

    public int Done { get; private set; }

    /// <summary>The API's reason for refusing a page; the run stops there.</summary>
    public string? Problem { get; private set; }

    public string Message(bool final) =>
        Problem ?? string.Create(CultureInfo.InvariantCulture, $"{(retry ? "retried" : "cancelled")} {Done} of {Matched} matched{(final ? "" : " so far")}");

    public async Task RunAsync(Func<BulkRun, Task> afterEachPage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(afterEachPage);
        foreach (var filter in filters)
        {
            string? cursor = null;
            do
            {
                var body = new { filter, limit = pageSize, cursor, reason = retry ? "bulk retry from the dashboard" : "bulk cancel from the dashboard" };
                var answer = await api.PostAsync(context, key, retry ? "api/tasks/retry" : "api/jobs/cancel", body, cancellationToken).ConfigureAwait(false);
                if (!answer.Ok)
                {
                    Problem = answer.Problem;
                    return;
                }
                Matched += answer.Body.GetProperty("matched").GetInt32();
                Done += answer.Body.GetProperty(retry ? "retried" : "cancelled").GetInt32();
                cursor = answer.Body.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
                await afterEachPage(this).ConfigureAwait(false);
            }
            while (cursor is not null);
        }
    }
}
