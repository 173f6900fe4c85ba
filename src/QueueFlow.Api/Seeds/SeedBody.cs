using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using QueueFlow.Api.Problems;

namespace QueueFlow.Api.Seeds;

/// <summary>Request bodies the seed documents make optional.</summary>
public static class SeedBody
{
    /// <summary>
    /// The body as <typeparamref name="T"/>, or <paramref name="empty"/> for an empty body or a bare POST (no content type, no length):
    /// Operations Manager's example and Camunda's clients may send nothing at all.
    /// </summary>
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadOptionalAsync<T>(HttpRequest request, T empty, long limit, JsonSerializerOptions options, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength == 0 || (request.ContentLength is null && request.ContentType is null))
            return (empty, null);
        return await JsonBody.ReadAsync<T>(request, limit, options, cancellationToken).ConfigureAwait(false);
    }
}
