using MassTransit;
using MassTransit.Configuration;

namespace QueueFlow.Worker.Messaging;

/// <summary>
/// MassTransit's plain-JSON serializer, with a deserializer that insists on the message type header.
/// Without it MassTransit would offer the body to every consumer on the endpoint as whatever type each
/// asks for. The check sits in the deserializer because that is the first step inside MassTransit's
/// error handling: a refused message goes to the error queue with its reason, not back to the queue.
/// </summary>
public sealed class TypedPlainJsonSerializerFactory(RawSerializerOptions options) : ISerializerFactory
{
    readonly SystemTextJsonRawMessageSerializerFactory _inner = new(options);

    public System.Net.Mime.ContentType ContentType => _inner.ContentType;

    public IMessageSerializer CreateSerializer() => _inner.CreateSerializer();

    public IMessageDeserializer CreateDeserializer() => new TypedPlainJsonDeserializer(_inner.CreateDeserializer());
}
