using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using QueueFlow.Core.Json;

namespace QueueFlow.Api.Problems;

/// <summary>
/// Reads request bodies by hand rather than through minimal-API binding, whose failures are a bare 400:
/// here malformed JSON, wrong types and oversized bodies each become a problem naming what was wrong.
/// </summary>
public static class JsonBody
{
    /// <summary>The body as UTF-8 bytes, or the problem: not JSON, or over <paramref name="limit"/> bytes.</summary>
    public static async Task<(byte[]? Body, ProblemHttpResult? Problem)> ReadBytesAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.HasJsonContentType())
            return (null, ApiProblems.UnsupportedMediaType(request.ContentType));
        if (request.ContentLength > limit)
            return (null, ApiProblems.TooLarge(limit));

        // Kestrel enforces the limit itself on chunked bodies too; the counted read below covers hosts that do not.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
            sizeFeature.MaxRequestBodySize = limit;

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > limit)
                    return (null, ApiProblems.TooLarge(limit));
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, ApiProblems.TooLarge(limit));
        }

        var body = buffer.ToArray();

        // A key named twice means one thing to this API and another to the next reader of the same JSON (PostgreSQL
        // keeps the last value, a JsonElement both), and a string no reader can keep would fail the write that stores it:
        // refused here, before anything is sent on.
        if (JsonDefects.Find(body, allowComments: true) is { } defect)
            return (null, ApiProblems.BadRequest($"The body {defect.Describe()}.", new Dictionary<string, object?> { ["path"] = defect.Path }));
        return (body, null);
    }

    /// <summary>The body as <typeparamref name="T"/>, or the problem naming the JSON path and what was wrong there.</summary>
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, long limit, JsonSerializerOptions options, CancellationToken cancellationToken)
        where T : class
    {
        var (body, problem) = await ReadBytesAsync(request, limit, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return (null, problem);
        try
        {
            var value = JsonSerializer.Deserialize<T>(body!, options);
            return value is null ? (null, ApiProblems.BadRequest("The body must be a JSON object, not null.")) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, ApiProblems.BadRequest(Describe(e), new Dictionary<string, object?> { ["path"] = e.Path }));
        }
    }

    static string Describe(JsonException e)
    {
        // System.Text.Json's message names the path and position but, for a wrong type, also the CLR type; keep it:
        // it is what a caller needs to see ("could not be converted to System.Int32" at $.version).
        var where = e.Path is { Length: > 0 } path ? $" at {path}" : string.Empty;
        return e.InnerException is InvalidOperationException or FormatException
            ? $"Invalid value{where}: {e.InnerException.Message}"
            : $"The body is not valid JSON for this request{where}: {e.Message}";
    }
}
