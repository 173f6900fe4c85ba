using System.Net.Sockets;
using MassTransit;
using QueueFlow.Core.Scheduling;

namespace QueueFlow.Persistence.Outbox;

/// <summary>
/// Tells a failed send that says nothing about its message (the broker cannot be reached) from one the
/// broker answered for that message (a refused queue declaration, a closed channel, a message too large).
/// Only the latter count toward <see cref="OutboxRelayOptions.MaxAttempts"/>, so an outage, however long,
/// never dead-letters the backlog. When unsure we call it an outage: a row then waits longer, never lost.
/// A timer row whose store is unavailable (<see cref="TimerStoreUnavailableException"/>: the scheduler shut
/// down while the host stops, a deadlock) is an outage of the same kind.
/// </summary>
internal static class BrokerOutages
{
    // RabbitMQ.Client's connection-level failures, matched by name so persistence does not depend on the
    // transport's client. A channel closed by the broker for this message (OperationInterruptedException with
    // 404/406) is deliberately not here: that is the poison-row case.
    private static readonly HashSet<string> ConnectionFailures = new(StringComparer.Ordinal)
    {
        "BrokerUnreachableException",
        "ConnectFailureException",
        "AlreadyClosedException",
    };

    /// <summary>
    /// An outage when the failure, or anything it wraps, is a connection failure (MassTransit's
    /// <see cref="ConnectionException"/>, e.g. RabbitMqConnectionException; a socket error; RabbitMQ.Client's
    /// unreachable or already-closed connection), or when the bus reports itself unhealthy at the time (its
    /// receive endpoints lost the broker): that covers a send timing out or cancelled during an outage.
    /// </summary>
    public static bool IsOutage(Exception exception, IBus bus) =>
        IsConnectionFailure(exception) || (bus is IBusControl control && control.CheckHealth().Status == BusHealthStatus.Unhealthy);

    private static bool IsConnectionFailure(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is ConnectionException or SocketException or TimerStoreUnavailableException || ConnectionFailures.Contains(current.GetType().Name))
                return true;

            if (current is AggregateException aggregate && aggregate.InnerExceptions.Any(IsConnectionFailure))
                return true;
        }

        return false;
    }
}
