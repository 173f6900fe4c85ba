using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace QueueFlow.Worker.Messaging;

/// <summary>
/// GETs from RabbitMQ's management API of this deployment's virtual host, with its credentials and within
/// <see cref="RabbitMqOptions.ManagementTimeout"/>. A missing object is an answer (404); a broker that cannot be read
/// (plugin off, broker down, slow, not JSON) is an <see cref="HttpRequestException"/>, for the caller to treat as unknown.
/// </summary>
public sealed class RabbitMqManagementApi(IOptions<RabbitMqOptions> rabbit) : IDisposable
{
    readonly HttpClient _http = new();

    public RabbitMqOptions Settings => rabbit.Value;

    /// <summary>
    /// The JSON at <c>/api/{kind}/{vhost}/{names…}</c> (each part escaped, then <paramref name="query"/> as given), or
    /// null when the broker has no such object.
    /// </summary>
    public async Task<JsonElement?> GetAsync(string kind, IReadOnlyList<string> names, CancellationToken cancellationToken, string? query = null)
    {
        var settings = rabbit.Value;
        var path = string.Join('/', new[] { kind, settings.VirtualHost }.Concat(names).Select(Uri.EscapeDataString));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.ManagementTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://{settings.Host}:{settings.ManagementPort}/api/{path}{query}"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.Username}:{settings.Password}")));
            using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
                return null;
            response.EnsureSuccessStatusCode();
            var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                using var document = await JsonDocument.ParseAsync(stream, cancellationToken: timeout.Token).ConfigureAwait(false);
                return document.RootElement.Clone();
            }
        }
        catch (Exception e) when (e is JsonException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new HttpRequestException($"RabbitMQ's management API on {settings.Host}:{settings.ManagementPort} could not be read", e);
        }
    }

    public void Dispose() => _http.Dispose();
}
