using MassTransit;
using MassTransit.Middleware;

namespace QueueFlow.Worker.Messaging;

/// <summary>What every QueueFlow receive endpoint does with a message it cannot read.</summary>
public static class EndpointConventions
{
    public static void ApplyQueueFlowConventions(this IReceiveEndpointConfigurator endpoint)
    {
        if (endpoint is not IReceivePipelineConfigurator pipeline)
            return;

        // The default error pipe (fault event, then the _error queue), with the full reason added first.
        pipeline.ConfigureError(e =>
        {
            e.UseFilter(new ReasonHeaderFilter());
            e.UseFilter(new GenerateFaultFilter());
            e.UseFilter(new ErrorTransportFilter());
        });

        // A message nobody consumed is a bad message too: the error queue with its reason, not _skipped.
        pipeline.ConfigureDeadLetter(d => d.UseFilter(new UnconsumedMessageFilter()));
    }
}
