using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace QueueFlow.Cli;

/// <summary>The HTTP API, as the CLI uses it: JSON in and out, the key in <c>X-Api-Key</c>, transport failures as answers.</summary>
public sealed class ApiClient(CliSettings settings) : IDisposable
{
    readonly HttpClient _http = Create(settings);

    public Task<ApiAnswer> GetAsync(string route, CancellationToken cancellationToken) => SendAsync(HttpMethod.Get, route, null, null, cancellationToken);

    public Task<ApiAnswer> PostAsync(string route, object? body, string? idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, route, body, idempotencyKey, cancellationToken);

    async Task<ApiAnswer> SendAsync(HttpMethod method, string route, object? body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(route.TrimStart('/'), UriKind.Relative));
        if (body is not null)
            request.Content = new StringContent(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), Encoding.UTF8, "application/json");
        if (idempotencyKey is not null)
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            JsonElement json = default;
            if (text.Length > 0)
            {
                try
                {
                    json = JsonDocument.Parse(text).RootElement.Clone();
                }
                catch (JsonException)
                {
                    json = JsonSerializer.SerializeToElement(new { detail = text });
                }
            }

            return new ApiAnswer(response.StatusCode, json, null);
        }
        catch (HttpRequestException e)
        {
            return new ApiAnswer(null, default, $"cannot reach {settings.Url}: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ApiAnswer(null, default, $"{settings.Url} did not answer in time");
        }
    }

    static HttpClient Create(CliSettings settings)
    {
        var baseUrl = settings.Url.AbsoluteUri.EndsWith('/') ? settings.Url : new Uri(settings.Url.AbsoluteUri + "/");
        var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (settings.ApiKey is { Length: > 0 } key)
            http.DefaultRequestHeaders.Add("X-Api-Key", key);
        return http;
    }

    public void Dispose() => _http.Dispose();
}
