using MassTransit;
using MassTransit.Middleware;
using MassTransit.Middleware.Rescue;

namespace QueueFlow.Worker.Messaging;

/// <summary>
/// The dead-letter step of a QueueFlow endpoint: a message no consumer took (its <c>MT-MessageType</c> names no
/// contract of this queue) goes to the error queue with its reason, like every other message QueueFlow cannot read,
/// instead of MassTransit's <c>_skipped</c> queue, which carries no reason and which nobody watches. It runs
/// outside MassTransit's error handling, so it sends through the error pipe itself rather than throwing.
/// </summary>
public sealed class UnconsumedMessageFilter : IFilter<ReceiveContext>
{
    readonly IPipe<ExceptionReceiveContext> _errorPipe = Pipe.New<ExceptionReceiveContext>(e =>
    {
        e.UseFilter(new ReasonHeaderFilter());
        e.UseFilter(new ErrorTransportFilter());
    });

    public Task Send(ReceiveContext context, IPipe<ReceiveContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        var type = context.TransportHeaders.TryGetHeader(MessageHeaders.MessageType, out var header) ? header?.ToString() : null;
        var queue = context.InputAddress.Segments[^1];
        var reason = new MessageTypeUnknownException(
            $"no consumer of queue '{queue}' takes message type '{type}': '{MessageHeaders.MessageType}' must name a QueueFlow contract this queue consumes, e.g. 'urn:message:QueueFlow.Contracts:CompleteTask'");
        return _errorPipe.Send(new RescueExceptionReceiveContext(context, reason));
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("unconsumedToError");
}
