using System.Text.Json;
using QueueFlow.Core.Jobs;

namespace QueueFlow.Persistence.Outbox;

/// <summary>Turns a message the saga decided to send into its outbox row, and back.</summary>
internal static class OutboxMessages
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static OutboxMessage ToRow(Guid jobId, OutgoingMessage message, DateTimeOffset now)
    {
        var type = message.Message.GetType();
        return new OutboxMessage
        {
            MessageId = message.MessageId,
            JobId = jobId,
            MessageType = type.FullName ?? type.Name,
            Destination = message.Destination,
            RequestId = message.RequestId,
            Body = JsonSerializer.Serialize(message.Message, type, Json),
            CreatedAt = now,
        };
    }
}
