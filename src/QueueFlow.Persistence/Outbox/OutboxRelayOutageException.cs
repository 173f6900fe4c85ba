namespace QueueFlow.Persistence.Outbox;

/// <summary>A relay pass met a broker outage: its rows stay (without counting an attempt) and the relay backs off.</summary>
public sealed class OutboxRelayOutageException : Exception
{
    public OutboxRelayOutageException()
    {
    }

    public OutboxRelayOutageException(string? message)
        : base(message)
    {
    }

    public OutboxRelayOutageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
