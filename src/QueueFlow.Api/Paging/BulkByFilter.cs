using MassTransit;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using QueueFlow.Api.Problems;

namespace QueueFlow.Api.Paging;

/// <summary>
/// The steps every bulk-by-filter route shares (cancel, continue and retry by filter, dead-letter replay and discard):
/// the Idempotency-Key header, the page limit, the time range, a cursor bound to the filter, the page taken one row
/// past the limit to know whether more is left, and the commands sent a bounded number at a time. Each route keeps
/// only its own filter, query and command.
/// </summary>
public static class BulkByFilter
{
    /// <summary>Rows a request takes when it names no limit.</summary>
    public const int DefaultLimit = 100;

    /// <summary>The most rows one request takes, so one caller never holds the jobs queue for long.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Commands in flight at once: enough to overlap the round trips, few enough to leave the jobs queue to others.</summary>
    public const int Degree = 16;

    /// <summary>An item's status when the saga did not answer in time (the command may still be applied).</summary>
    public const string TimeoutStatus = "Timeout";

    const string IdempotencyKeyHeader = "Idempotency-Key";
    const int MaxIdempotencyKeyLength = 255;

    /// <summary>Reads the optional Idempotency-Key header: empty when absent, a 400 when too long.</summary>
    public static ProblemHttpResult? IdempotencyKey(HttpRequest request, out string key)
    {
        ArgumentNullException.ThrowIfNull(request);
        key = request.Headers[IdempotencyKeyHeader].ToString();
        return key.Length > MaxIdempotencyKeyLength
            ? ApiProblems.InvalidParameter(IdempotencyKeyHeader, $"{IdempotencyKeyHeader} must be at most {MaxIdempotencyKeyLength} characters.")
            : null;
    }

    /// <summary>The request's limit, <see cref="DefaultLimit"/> when absent, or a 400 outside 1 to <see cref="MaxLimit"/>.</summary>
    public static ProblemHttpResult? Limit(int? requested, out int limit)
    {
        limit = requested ?? DefaultLimit;
        return limit is < 1 or > MaxLimit ? Invalid("$.limit", $"limit must be from 1 to {MaxLimit}, not {limit}.") : null;
    }

    /// <summary>A 400 when the filter's time range is empty or reversed.</summary>
    public static ProblemHttpResult? Range(DateTimeOffset? from, DateTimeOffset? to, string fromName = "from", string toName = "to") =>
        from is { } start && to is { } end && start >= end ? Invalid($"$.filter.{toName}", $"filter.{toName} must be later than filter.{fromName}.") : null;

    /// <summary>
    /// Counts what <paramref name="matches"/> holds, up to <paramref name="cap"/> (<see cref="CountCap"/>): the count a
    /// bulk action shows before it runs, bounded so that asking never walks a million rows.
    /// </summary>
    public static async Task<BulkCount> CountAsync<T>(IQueryable<T> matches, CancellationToken cancellationToken, int cap = CountCap)
    {
        var count = await matches.Take(cap + 1).CountAsync(cancellationToken).ConfigureAwait(false);
        return new BulkCount(Math.Min(count, cap), count > cap);
    }

    /// <summary>The most rows a count reads; past it the answer says "at least this many".</summary>
    public const int CountCap = 10_000;

    /// <summary>The 400 for a cursor that could not be read under this filter.</summary>
    public static ProblemHttpResult InvalidCursor(bool otherFilter) =>
        Invalid("$.cursor", otherFilter
            ? "cursor was returned for another filter; pass it with the same filter it came with, or start again without a cursor."
            : "cursor is not one this API returned; pass nextCursor from the previous answer unchanged.");

    /// <summary>The 400 for a filter naming a workflow nobody registered.</summary>
    public static ProblemHttpResult UnknownWorkflow(string workflow) =>
        Invalid("$.filter.workflow", $"No workflow is registered under the name '{workflow}'.");

    /// <summary>A 400 naming the JSON path of the request member that is wrong.</summary>
    public static ProblemHttpResult Invalid(string path, string detail) =>
        ApiProblems.BadRequest(detail, new Dictionary<string, object?> { ["path"] = path });

    /// <summary>
    /// Cuts <paramref name="keys"/>, read with <paramref name="limit"/> + 1 rows, to the page and returns the cursor past
    /// its last row, or null when nothing was left beyond it.
    /// </summary>
    public static string? Page<TKey>(List<TKey> keys, int limit, Func<TKey, string> encode)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(encode);
        if (keys.Count <= limit)
            return null;
        keys.RemoveRange(limit, keys.Count - limit);
        return encode(keys[^1]);
    }

    /// <summary>
    /// Sends one command per key, <see cref="Degree"/> at a time, and returns one item per key in their order: the
    /// saga's answer, or <paramref name="timedOut"/>'s item when it did not answer in time.
    /// </summary>
    public static async Task<TItem[]> SendAsync<TKey, TItem>(
        IReadOnlyList<TKey> keys, Func<TKey, CancellationToken, Task<TItem>> send, Func<TKey, TItem> timedOut, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(timedOut);
        var items = new TItem[keys.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, keys.Count), new ParallelOptions { MaxDegreeOfParallelism = Degree, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            try
            {
                items[i] = await send(keys[i], ct).ConfigureAwait(false);
            }
            catch (RequestTimeoutException)
            {
                items[i] = timedOut(keys[i]);
            }
        }).ConfigureAwait(false);
        return items;
    }
}
