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
    RabbitMqManagementApi management, IOptions<EndpointOptions> endpoints, ILogger<RabbitMqQueueBacklogReader> logger) : IQueueBacklogReader
{
    public async Task<IReadOnlyDictionary<string, QueueBacklog>?> ReadAsync(IReadOnlyCollection<string> queues, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queues);
        try
        {
            var listed = await management.GetAsync("queues", [], cancellationToken, "?columns=name,messages_ready,messages_unacknowledged,consumers").ConfigureAwait(false);
            var byName = (listed?.Deserialize<List<ManagementQueue>>() ?? []).Where(q => q.Name is not null).ToDictionary(q => q.Name!, StringComparer.Ordinal);
            var prefix = endpoints.Value.Prefix;

            // A queue the broker does not have yet has never been sent to: nothing waits in it.
            return queues.ToDictionary(q => q, q => byName.TryGetValue(prefix + q, out var found)
                ? new QueueBacklog(found.Ready ?? 0, found.Unacknowledged ?? 0, found.Consumers ?? 0)
                : new QueueBacklog(0, 0, 0), StringComparer.Ordinal);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException)
        {
            LogUnreadable(e, management.Settings.Host, management.Settings.ManagementPort);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue backlog unknown: RabbitMQ's management API on {Host}:{Port} could not be read")]
    partial void LogUnreadable(Exception exception, string host, int port);

    sealed record ManagementQueue(
        [property: JsonPropertyName("name")] string? Name,
        [property: JsonPropertyName("messages_ready")] long? Ready,
        [property: JsonPropertyName("messages_unacknowledged")] long? Unacknowledged,
        [property: JsonPropertyName("consumers")] int? Consumers);
}
