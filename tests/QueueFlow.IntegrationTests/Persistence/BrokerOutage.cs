using MassTransit;

namespace QueueFlow.IntegrationTests.Persistence;

/// <summary>A broker that cannot be reached until <see cref="End"/>: every send fails as RabbitMQ's transport fails then.</summary>
internal sealed class BrokerOutage
{
    private int _refused;
    private volatile bool _ended;

    public int Refused => Volatile.Read(ref _refused);

    public void End() => _ended = true;

    public void ThrowWhileDown()
    {
        if (_ended)
            return;

        Interlocked.Increment(ref _refused);
        throw new RabbitMqConnectionException("broker unreachable (test outage)");
    }
}
