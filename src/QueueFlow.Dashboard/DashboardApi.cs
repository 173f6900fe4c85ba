using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace QueueFlow.Dashboard;

/// <summary>
/// The QueueFlow HTTP API as the signed-in user sees it: every call carries their key, so the API, not the page,
/// decides what they may read and do. Answers are kept as JSON elements: the dashboard shows what the API says
/// and needs none of its types.
/// </summary>
public sealed class DashboardApi(IHttpClientFactory clients, IOptions<DashboardOptions> options)
{
    public const string ClientName = "QueueFlow.Dashboard";

    public Task<ApiAnswer> GetAsync(HttpContext context, string key, string path, CancellationToken cancellationToken) =>
        SendAsync(context, key, new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);

    public Task<ApiAnswer> PostAsync(HttpContext context, string key, string path, object? body, CancellationToken cancellationToken) =>
        SendAsync(context, key, new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body ?? new { }) }, cancellationToken);

    /// <summary>Posts <paramref name="json"/> as it is, so the API judges even text that is not JSON and says why.</summary>
    public Task<ApiAnswer> PostJsonAsync(HttpContext context, string key, string path, string json, CancellationToken cancellationToken) =>
        SendAsync(context, key, new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") }, cancellationToken);

    /// <summary>
    /// Copies the API's <c>GET /api/events</c> stream (<paramref name="path"/> with its filter) to the browser as it
    /// arrives, until either side ends it. Nothing is kept per page: the browser's EventSource resumes with
    /// Last-Event-ID, which is passed on. An answer that is not a stream (a key revoked, a bad filter) is passed on
    /// as its status, so the EventSource stops and the page falls back to re-reading itself.
    /// </summary>
    public async Task RelayEventsAsync(HttpContext context, string key, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (context.Request.Headers.TryGetValue("Last-Event-ID", out var lastEventId))
            request.Headers.TryAddWithoutValidation("Last-Event-ID", (string?)lastEventId);
        using var client = Client(context);
        client.Timeout = Timeout.InfiniteTimeSpan;
        request.Headers.Add("X-Api-Key", key);
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var upstream = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var response = context.Response;
        if (!upstream.IsSuccessStatusCode)
        {
            response.StatusCode = (int)upstream.StatusCode;
            return;
        }

        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.StartAsync(cancellationToken).ConfigureAwait(false);
        var stream = await upstream.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[4096];
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await response.Body.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    HttpClient Client(HttpContext context)
    {
        var client = clients.CreateClient(ClientName);
        // In the worker's host the API is the host itself; a dashboard of its own names the API it reads.
        client.BaseAddress = options.Value.ApiUrl ?? new Uri($"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/");
        return client;
    }

    async Task<ApiAnswer> SendAsync(HttpContext context, string key, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            using var client = Client(context);
            request.Headers.Add("X-Api-Key", key);
            request.Headers.Accept.ParseAdd("application/json");
            using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            JsonElement body = default;
            if (text.Length > 0 && (text[0] == '{' || text[0] == '['))
                body = JsonElement.Parse(text);
            return new ApiAnswer(response.StatusCode, body);
        }
    }
}
