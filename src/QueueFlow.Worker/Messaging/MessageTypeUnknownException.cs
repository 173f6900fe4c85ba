namespace QueueFlow.Worker.Messaging;

/// <summary>
/// A message named a type that no consumer of its queue takes (a contract QueueFlow does not have, a typo, a
/// contract of another queue). Never retried: it cannot get better.
/// </summary>
public sealed class MessageTypeUnknownException(string message) : Exception(message);
