using System.Diagnostics;
using System.Text.Json;
using QueueFlow.Core.Jobs;

namespace QueueFlow.Persistence.Outbox;

/// <summary>Turns a message the saga decided to send into its outbox row, and back.</summary>
internal static class OutboxMessages
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // A W3C traceparent is 55 characters; tracestate is cut where it would not fit its column rather than fail the write.
    const int MaxTraceStateLength = 512;

    /// <param name="causedAt">When the message that caused the row was received.</param>
    /// <param name="trace">The span the job change runs in; its context goes with the row.</param>
    public static OutboxMessage ToRow(Guid jobId, OutgoingMessage message, DateTimeOffset causedAt, Activity? trace)
    {
        var type = message.Message.GetType();
        var traced = trace is { IdFormat: ActivityIdFormat.W3C };
        return new OutboxMessage
        {
            MessageId = message.MessageId,
            JobId = jobId,
            MessageType = type.FullName ?? type.Name,
            Destination = message.Destination,
            RequestId = message.RequestId,
            Body = JsonSerializer.Serialize(message.Message, type, Json),
            CreatedAt = causedAt,
            TraceParent = traced ? trace!.Id : null,
            TraceState = traced && trace!.TraceStateString is { Length: > 0 and <= MaxTraceStateLength } state ? state : null,
        };
    }

    /// <summary>The context the row was committed in, to parent the span that sends it; default when it has none.</summary>
    public static ActivityContext TraceOf(OutboxMessage row) =>
        row.TraceParent is { } parent && ActivityContext.TryParse(parent, row.TraceState, isRemote: true, out var context)
            ? context
            : default;
}
