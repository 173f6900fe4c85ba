namespace QueueFlow.Worker.Messaging;

/// <summary>A message arrived without saying which contract it is. Never retried: it cannot get better.</summary>
public sealed class MessageTypeMissingException(string message) : Exception(message);
