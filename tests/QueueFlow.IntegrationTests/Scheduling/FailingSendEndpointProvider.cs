using MassTransit;

namespace QueueFlow.IntegrationTests.Scheduling;

/// <summary>The bus, except that the first sends fail as they would while the broker is unreachable.</summary>
public sealed class FailingSendEndpointProvider(IBus bus, FailingSends failures) : ISendEndpointProvider
{
    public ConnectHandle ConnectSendObserver(ISendObserver observer) => bus.ConnectSendObserver(observer);

    public Task<ISendEndpoint> GetSendEndpoint(Uri address) =>
        failures.Fail()
            ? Task.FromException<ISendEndpoint>(new InvalidOperationException("The broker is unreachable (simulated)."))
            : bus.GetSendEndpoint(address);
}
