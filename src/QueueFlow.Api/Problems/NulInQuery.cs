using Microsoft.AspNetCore.Http;

namespace QueueFlow.Api.Problems;

/// <summary>
/// Answers 400, naming the parameter, for a query string whose parameter name or value holds U+0000 (<c>%00</c>): no
/// workflow, queue or cursor can hold it, and PostgreSQL refuses it in any text a filter compares, which would otherwise
/// surface as a 500. Bodies need no such guard: JSON bodies are checked when read (<see cref="JsonBody"/>).
/// </summary>
public static class NulInQuery
{
    public static async Task GuardAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        foreach (var (name, values) in context.Request.Query)
        {
            if (name.Contains('\0', StringComparison.Ordinal) || values.Any(v => v?.Contains('\0', StringComparison.Ordinal) == true))
            {
                var parameter = name.Replace("\0", "\\u0000", StringComparison.Ordinal);
                await ApiProblems.InvalidParameter(parameter, $"{parameter} holds the character U+0000 (%00), which no name, queue or filter can hold.")
                    .ExecuteAsync(context).ConfigureAwait(false);
                return;
            }
        }

        await next(context).ConfigureAwait(false);
    }
}
