using MassTransit;
using QueueFlow.Core.Telemetry;

namespace QueueFlow.Worker.Telemetry;

/// <summary>
/// Writes the standard <c>traceparent</c> and <c>tracestate</c> headers on every message QueueFlow sends or
/// publishes, naming the span that sent it (MassTransit's send span is its child and goes in <c>MT-Activity-Id</c>),
/// so a worker in any language continues a job's trace with an ordinary W3C propagator. With no span recorded
/// (tracing off) they pass on the context the job's work came with (<see cref="CarriedTrace"/>).
/// </summary>
public sealed class TraceContextSendFilter<T> : IFilter<SendContext<T>>, IFilter<PublishContext<T>>
    where T : class
{
    public Task Send(SendContext<T> context, IPipe<SendContext<T>> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        Stamp(context);
        return next.Send(context);
    }

    public Task Send(PublishContext<T> context, IPipe<PublishContext<T>> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        Stamp(context);
        return next.Send(context);
    }

    public void Probe(ProbeContext context) => context?.CreateFilterScope("traceContext");

    static void Stamp(SendContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (CarriedTrace.Current is not { } trace)
            return;
        context.Headers.Set(TraceHeaders.TraceParent, trace.TraceParent);
        if (trace.TraceState is not null)
            context.Headers.Set(TraceHeaders.TraceState, trace.TraceState);
    }
}
