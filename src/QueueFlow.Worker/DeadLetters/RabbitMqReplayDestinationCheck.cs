using System.Text.Json;
using Microsoft.Extensions.Options;
using QueueFlow.Api.DeadLetters;
using QueueFlow.Core.Jobs;
using QueueFlow.Worker.Messaging;

namespace QueueFlow.Worker.DeadLetters;

/// <summary>
/// Checks a replay's other destination against what the bus will declare when it sends there, through RabbitMQ's
/// management API. For <c>queue:NAME</c> (and <c>task:NAME</c>, the deployment's prefix added) the bus declares a durable
/// classic queue and a durable fanout exchange of that name, both without arguments, and binds them: each may be missing
/// (it is created), but one that exists otherwise would be refused. For <c>exchange:NAME</c> it declares only the
/// exchange, so the exchange must exist as one (fanout, durable) and something must be bound to it, or the message is
/// dropped.
/// </summary>
public sealed partial class RabbitMqReplayDestinationCheck(
    RabbitMqManagementApi management, IOptions<EndpointOptions> endpoints, ILogger<RabbitMqReplayDestinationCheck> logger) : IReplayDestinationCheck
{
    public async Task<ReplayDestinationVerdict> CheckAsync(string destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var colon = destination.IndexOf(':', StringComparison.Ordinal);
        var (scheme, name) = (destination[..colon], destination[(colon + 1)..]);
        try
        {
            if (scheme == "exchange")
            {
                var exchange = await management.GetAsync("exchanges", [name], cancellationToken).ConfigureAwait(false);
                if (exchange is null)
                    return new($"the broker has no exchange '{name}': the bus would create it with nothing bound, and the message would be dropped. Name a queue, or an exchange that routes to one.");
                if (Unlike(exchange.Value, "fanout") is { } differs)
                    return new($"exchange '{name}' {differs}; the bus declares the exchanges it sends to as durable fanout ones without arguments, which the broker would refuse.");
                var bindings = await management.GetAsync("exchanges", [name, "bindings", "source"], cancellationToken).ConfigureAwait(false);
                return bindings is { ValueKind: JsonValueKind.Array } bound && bound.GetArrayLength() > 0
                    ? ReplayDestinationVerdict.Takes
                    : new($"nothing is bound to exchange '{name}': the message would be dropped. Name a queue, or an exchange that routes to one.");
            }

            var queueName = scheme == TaskQueueDestination.Scheme ? endpoints.Value.Name(name) : name;
            if (await management.GetAsync("queues", [queueName], cancellationToken).ConfigureAwait(false) is { } queue && Unlike(queue, "classic") is { } queueDiffers)
                return new($"queue '{queueName}' {queueDiffers}; the bus declares a queue it sends to as a durable classic queue without arguments, which the broker would refuse. Send to exchange:{queueName} if an exchange of that name routes to it.");
            if (await management.GetAsync("exchanges", [queueName], cancellationToken).ConfigureAwait(false) is { } twin && Unlike(twin, "fanout") is { } twinDiffers)
                return new($"exchange '{queueName}' {twinDiffers}; the bus declares one of the queue's name as a durable fanout exchange without arguments, which the broker would refuse.");
            return ReplayDestinationVerdict.Takes;
        }
        catch (HttpRequestException e)
        {
            LogUnreadable(e, destination);
            return ReplayDestinationVerdict.Unreadable;
        }
    }

    /// <summary>How an existing queue or exchange differs from the declaration the bus would make; null when it does not.</summary>
    static string? Unlike(JsonElement found, string type)
    {
        var actual = found.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (actual != type)
            return $"is a {actual} one";
        if (!found.TryGetProperty("durable", out var durable) || !durable.GetBoolean())
            return "is not durable";
        if (found.TryGetProperty("auto_delete", out var autoDelete) && autoDelete.GetBoolean())
            return "is deleted when unused (auto-delete)";
        if (found.TryGetProperty("exclusive", out var exclusive) && exclusive.ValueKind == JsonValueKind.True)
            return "is exclusive to another connection";
        if (found.TryGetProperty("internal", out var @internal) && @internal.ValueKind == JsonValueKind.True)
            return "is internal";
        if (found.TryGetProperty("arguments", out var arguments) && arguments.ValueKind == JsonValueKind.Object && arguments.EnumerateObject().Any())
            return $"has arguments ({string.Join(", ", arguments.EnumerateObject().Select(a => a.Name))})";
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replay destination {Destination} not checked: RabbitMQ's management API could not be read")]
    partial void LogUnreadable(Exception exception, string destination);
}
