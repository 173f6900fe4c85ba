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

    async Task<ApiAnswer> SendAsync(HttpContext context, string key, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            using var client = clients.CreateClient(ClientName);
            // In the worker's host the API is the host itself; a dashboard of its own names the API it reads.
            client.BaseAddress = options.Value.ApiUrl ?? new Uri($"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/");
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
