namespace QueueFlow.Worker.Messaging;

/// <summary>A message carried a header QueueFlow cannot act on (a reply address too long to keep). Never retried.</summary>
public sealed class MessageHeaderInvalidException(string message) : Exception(message);
