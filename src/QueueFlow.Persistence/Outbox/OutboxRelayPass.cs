namespace QueueFlow.Persistence.Outbox;

/// <summary>What one relay pass did with the rows it took.</summary>
/// <param name="Taken">Rows read from the outbox.</param>
/// <param name="Sent">Rows the broker confirmed; deleted.</param>
/// <param name="Failed">Rows whose send failed and that stay for the next pass (outages included).</param>
/// <param name="DeadLettered">Rows moved to the dead-letter store (<c>dead_letters</c>, source Outbox).</param>
/// <param name="OutageError">The first failure that was a broker outage, if any: the relay then backs off.</param>
public sealed record OutboxRelayPass(int Taken, int Sent, int Failed, int DeadLettered, string? OutageError)
{
    public static OutboxRelayPass Empty { get; } = new(0, 0, 0, 0, null);

    public bool Outage => OutageError is not null;
}
