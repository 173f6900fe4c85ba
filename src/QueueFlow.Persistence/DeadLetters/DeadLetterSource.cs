namespace QueueFlow.Persistence.DeadLetters;

/// <summary>Where a dead letter was taken from.</summary>
public enum DeadLetterSource
{
    /// <summary>One of QueueFlow's RabbitMQ error queues: a message the worker could not read or apply.</summary>
    Queue,

    /// <summary>The outbox: a message QueueFlow decided to send and the relay could not.</summary>
    Outbox,
}
