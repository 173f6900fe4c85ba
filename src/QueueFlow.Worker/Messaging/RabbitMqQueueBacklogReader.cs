using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using QueueFlow.Api.Stats;

namespace QueueFlow.Worker.Messaging;

/// <summary>
/// Reads task queues' backlog from RabbitMQ's management API: one request lists every queue of the virtual host with
/// its ready and unacknowledged messages and consumers (AMQP's passive declare gives no unacknowledged count). A task
/// queue's broker name carries the deployment's prefix. The management API refreshes its figures every few seconds,
/// which is what a dashboard needs. Any failure (plugin off, broker down, slow) gives null within
/// <see cref="RabbitMqOptions.ManagementTimeout"/>, never an error to the caller.
/// </summary>
public sealed partial class RabbitMqQueueBacklogReader(
    IOptions<RabbitMqOptions> rabbit, IOptions<EndpointOptions> endpoints, ILogger<RabbitMqQueueBacklogReader> logger) : IQueueBacklogReader, IDisposable
{
    readonly HttpClient _http = new();

    public async Task<IReadOnlyDictionary<string, QueueBacklog>?> ReadAsync(IReadOnlyCollection<string> queues, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queues);
        var settings = rabbit.Value;
        var uri = new Uri($"http://{settings.Host}:{settings.ManagementPort}/api/queues/{Uri.EscapeDataString(settings.VirtualHost)}?columns=name,messages_ready,messages_unacknowledged,consumers");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.ManagementTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.Username}:{settings.Password}")));
            using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var listed = await JsonSerializer.DeserializeAsync<List<ManagementQueue>>(stream, cancellationToken: timeout.Token).ConfigureAwait(false) ?? [];
                var byName = listed.Where(q => q.Name is not null).ToDictionary(q => q.Name!, StringComparer.Ordinal);
                var prefix = endpoints.Value.Prefix;

                // A queue the broker does not have yet has never been sent to: nothing waits in it.
                return queues.ToDictionary(q => q, q => byName.TryGetValue(prefix + q, out var found)
                    ? new QueueBacklog(found.Ready ?? 0, found.Unacknowledged ?? 0, found.Consumers ?? 0)
                    : new QueueBacklog(0, 0, 0), StringComparer.Ordinal);
            }
        }
        catch (Exception e) when (e is HttpRequestException or JsonException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogUnreadable(e, settings.Host, settings.ManagementPort);
            return null;
        }
    }

    public void Dispose() => _http.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue backlog unknown: RabbitMQ's management API on {Host}:{Port} could not be read")]
    partial void LogUnreadable(Exception exception, string host, int port);

    sealed record ManagementQueue(
        [property: JsonPropertyName("name")] string? Name,
        [property: JsonPropertyName("messages_ready")] long? Ready,
        [property: JsonPropertyName("messages_unacknowledged")] long? Unacknowledged,
        [property: JsonPropertyName("consumers")] int? Consumers);
}
