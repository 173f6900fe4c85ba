using System.Diagnostics;
using System.Text.Json;
using QueueFlow.Core.Jobs;
using QueueFlow.Core.Scheduling;
using QueueFlow.Core.Telemetry;

namespace QueueFlow.Persistence.Outbox;

/// <summary>Turns a message the saga decided to send into its outbox row, and back.</summary>
internal static class OutboxMessages
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // A W3C traceparent is 55 characters; tracestate is cut where it would not fit its column rather than fail the write.
    const int MaxTraceStateLength = 512;

    /// <param name="causedAt">When the message that caused the row was received.</param>
    /// <param name="trace">The trace context the job change runs in (<see cref="CarriedTrace.Current"/>); it goes with the row.</param>
    public static OutboxMessage ToRow(Guid jobId, OutgoingMessage message, DateTimeOffset causedAt, TraceContextHeaders? trace) =>
        ToRow(jobId, message.MessageId, message.Message, AddressOf(message.Destination), (message.Destination as MessageDestination.Reply)?.RequestId, causedAt, trace);

    /// <summary>A timer's row: the relay hands it to the timer store instead of the broker.</summary>
    public static OutboxMessage ToRow(Guid jobId, TimerChange timer, DateTimeOffset causedAt, TraceContextHeaders? trace) =>
        ToRow(jobId, timer.Id, timer.Message, timer.Timer.DueAt is { } dueAt ? TimerRequest.Schedule(timer.Timer.Key, dueAt) : TimerRequest.Cancel(timer.Timer.Key), null, causedAt, trace);

    /// <summary>
    /// The destination as the outbox row keeps it: null to publish, <c>task:</c> and <c>watch:</c> for the names the relay
    /// turns into the broker's (see <see cref="TaskQueueDestination"/>, <see cref="WatchDestination"/>), a reply's address as is.
    /// </summary>
    public static Uri? AddressOf(MessageDestination destination) => destination switch
    {
        MessageDestination.Publish => null,
        MessageDestination.Worker worker => TaskQueueDestination.For(worker.Queue),
        MessageDestination.Watcher watcher => WatchDestination.For(watcher.Name),
        MessageDestination.Reply reply => reply.Address,
        _ => throw new ArgumentOutOfRangeException(nameof(destination), destination, "no outbox address for this destination"),
    };

    private static OutboxMessage ToRow(Guid jobId, Guid messageId, object message, Uri? destination, Guid? requestId, DateTimeOffset causedAt, TraceContextHeaders? trace)
    {
        var type = message.GetType();
        return new OutboxMessage
        {
            MessageId = messageId,
            JobId = jobId,
            MessageType = type.FullName ?? type.Name,
            Destination = destination,
            RequestId = requestId,
            Body = JsonSerializer.Serialize(message, type, Json),
            CreatedAt = causedAt,
            TraceParent = trace?.TraceParent,
            TraceState = trace?.TraceState is { Length: <= MaxTraceStateLength } state ? state : null,
        };
    }

    /// <summary>The context the row was committed in, to parent the span that sends it; default when it has none.</summary>
    public static ActivityContext TraceOf(OutboxMessage row) =>
        row.TraceParent is { } parent && ActivityContext.TryParse(parent, row.TraceState, isRemote: true, out var context)
            ? context
            : default;
}
