using System.Text.Json;
using MassTransit;
using QueueFlow.Core.Json;
using QueueFlow.Persistence.Outbox;

namespace QueueFlow.Worker.Messaging;

/// <summary>
/// Refuses a plain-JSON message that does not say which contract it is, or that names a key twice; see
/// <see cref="TypedPlainJsonSerializerFactory"/>.
/// </summary>
public sealed class TypedPlainJsonDeserializer(IMessageDeserializer inner) : IMessageDeserializer
{
    const string ResponseAddressHeader = "MT-Response-Address";

    public System.Net.Mime.ContentType ContentType => inner.ContentType;

    public ConsumeContext Deserialize(ReceiveContext receiveContext)
    {
        ArgumentNullException.ThrowIfNull(receiveContext);
        if (!receiveContext.TransportHeaders.TryGetHeader(MessageHeaders.MessageType, out var type) || string.IsNullOrWhiteSpace(type?.ToString()))
        {
            throw new MessageTypeMissingException(
                $"the message has no '{MessageHeaders.MessageType}' header: set it to the contract's URN, e.g. 'urn:message:QueueFlow.Contracts:CompleteTask'");
        }

        // A reply goes through the outbox, whose destination column has a limit; a longer address could never be a
        // RabbitMQ queue or exchange (names are at most 255 bytes), so it is refused here rather than failing the commit.
        if (receiveContext.TransportHeaders.TryGetHeader(ResponseAddressHeader, out var address) && address?.ToString() is { Length: > OutboxMessage.MaxDestinationLength } tooLong)
        {
            throw new MessageHeaderInvalidException(
                $"the '{ResponseAddressHeader}' header is {tooLong.Length} characters, longer than the {OutboxMessage.MaxDestinationLength} a reply address may have");
        }

        // A key named twice reads differently in each reader (the saga's JsonElement keeps both, PostgreSQL the last), and
        // a string no reader can keep would fail the job's write on every retry: refused before any consumer sees it, as
        // malformed JSON is.
        if (JsonDefects.Find(receiveContext.Body.GetBytes()) is { } defect)
            throw new JsonException($"the message {defect.Describe()}", defect.Path, null, null);

        return inner.Deserialize(receiveContext);
    }

    public SerializerContext Deserialize(MessageBody body, Headers headers, Uri? destinationAddress = null) => inner.Deserialize(body, headers, destinationAddress);

    public MessageBody GetMessageBody(string text) => inner.GetMessageBody(text);

    public void Probe(ProbeContext context) => inner.Probe(context);
}
