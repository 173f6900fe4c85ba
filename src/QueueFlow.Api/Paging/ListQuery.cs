using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using QueueFlow.Api.OpenApi;
using QueueFlow.Api.Problems;
using QueueFlow.Persistence;

namespace QueueFlow.Api.Paging;

/// <summary>Parses query-string filters by hand so a bad value is a problem naming its parameter, not a bare 400.</summary>
public static class ListQuery
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    /// <summary>The page size, as the OpenAPI document declares it.</summary>
    public static readonly DeclaredParameter LimitParameter =
        DeclaredParameter.Query("limit", $"Items per page, 1 to {MaxLimit} (default {DefaultLimit}).", "integer", "int32");

    /// <summary>The page cursor, as the OpenAPI document declares it.</summary>
    public static readonly DeclaredParameter CursorParameter =
        DeclaredParameter.Query("cursor", "nextCursor of the previous page, unchanged; omitted for the first page.");

    public static ProblemHttpResult? Limit(HttpRequest request, out int limit)
    {
        ArgumentNullException.ThrowIfNull(request);
        limit = DefaultLimit;
        var raw = request.Query["limit"].ToString();
        if (raw.Length == 0)
            return null;
        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit)
            return ApiProblems.InvalidParameter("limit", $"limit must be a whole number from 1 to {MaxLimit}, not '{raw}'.");
        return null;
    }

    public static ProblemHttpResult? Enum<TEnum>(HttpRequest request, string parameter, out TEnum? value)
        where TEnum : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(request);
        value = null;
        var raw = request.Query[parameter].ToString();
        if (raw.Length == 0)
            return null;

        if (Name<TEnum>(raw) is { } parsed)
        {
            value = parsed;
            return null;
        }

        return ApiProblems.InvalidParameter(parameter,
            $"{parameter} must be one of {string.Join(", ", System.Enum.GetNames<TEnum>())}, not '{raw}'.");
    }

    /// <summary>
    /// Any of several values: <c>status=Completed,Paused</c>, <c>status=Completed&amp;status=Paused</c> or both mixed.
    /// Empty when the parameter is absent; distinct and in declaration order, so the same set always binds a cursor the same way.
    /// </summary>
    public static ProblemHttpResult? Enums<TEnum>(HttpRequest request, string parameter, out IReadOnlyList<TEnum> values)
        where TEnum : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(request);
        values = [];
        var parsed = new SortedSet<TEnum>();
        foreach (var raw in request.Query[parameter])
        {
            foreach (var name in (raw ?? string.Empty).Split(',', StringSplitOptions.TrimEntries))
            {
                if (name.Length == 0 && raw!.Trim().Length == 0)
                    continue;
                if (Name<TEnum>(name) is not { } one)
                {
                    return ApiProblems.InvalidParameter(parameter,
                        $"{parameter} must be one or more of {string.Join(", ", System.Enum.GetNames<TEnum>())} (comma-separated or repeated), not '{name}'.");
                }

                parsed.Add(one);
            }
        }

        values = [.. parsed];
        return null;
    }

    /// <summary>
    /// One value by its name. Names only: Enum.TryParse would also take "3", and "Completed,Paused" as the bitwise OR of
    /// the two, which is another status altogether.
    /// </summary>
    static TEnum? Name<TEnum>(string raw)
        where TEnum : struct, Enum =>
        raw.Length > 0 && char.IsAsciiLetter(raw[0]) && !raw.Contains(',', StringComparison.Ordinal)
        && System.Enum.TryParse<TEnum>(raw, ignoreCase: true, out var parsed) && System.Enum.IsDefined(parsed)
            ? parsed
            : null;

    public static ProblemHttpResult? Time(HttpRequest request, string parameter, out DateTimeOffset? value)
    {
        ArgumentNullException.ThrowIfNull(request);
        value = null;
        var raw = request.Query[parameter].ToString();
        if (raw.Length == 0)
            return null;
        if (DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            value = parsed.ToUniversalTime();
            return null;
        }

        return ApiProblems.InvalidParameter(parameter, $"{parameter} must be an ISO 8601 date and time, e.g. 2026-11-23T10:00:00Z, not '{raw}'.");
    }

    public static string? Text(HttpRequest request, string parameter)
    {
        ArgumentNullException.ThrowIfNull(request);
        var raw = request.Query[parameter].ToString();
        return raw.Length == 0 ? null : raw;
    }

    /// <summary>
    /// A problem when <paramref name="workflow"/> names no registered workflow: a misspelt filter should say so, not
    /// answer an empty list. Definitions are never deleted, so every job's workflow passes.
    /// </summary>
    public static async Task<ProblemHttpResult?> UnknownWorkflowAsync(QueueFlowDbContext db, string? workflow, CancellationToken cancellationToken, string parameter = "workflow")
    {
        ArgumentNullException.ThrowIfNull(db);
        if (workflow is null || await db.WorkflowDefinitions.AnyAsync(w => w.Name == workflow, cancellationToken).ConfigureAwait(false))
            return null;
        return ApiProblems.InvalidParameter(parameter, $"No workflow is registered under the name '{workflow}'.");
    }

    public static ProblemHttpResult InvalidCursor(bool otherFilter = false) =>
        otherFilter
            ? ApiProblems.InvalidParameter("cursor", "cursor was returned for another list or filter; pass it with the same filter it came with, or start again without a cursor.")
            : ApiProblems.InvalidParameter("cursor", "cursor is not one this API returned; pass nextCursor from the previous page unchanged.");

    /// <summary>
    /// The page of <paramref name="rows"/>, read with one row more than <paramref name="limit"/>: that extra row only
    /// says a next page exists, and the cursor is the last row shown.
    /// </summary>
    public static Page<T> ToPage<T>(List<T> rows, int limit, Func<T, string> cursorOf)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(cursorOf);
        if (rows.Count <= limit)
            return new Page<T>(rows, null);
        rows.RemoveRange(limit, rows.Count - limit);
        return new Page<T>(rows, cursorOf(rows[^1]));
    }
}
