using System.Diagnostics;
using MassTransit;
using QueueFlow.Core.Telemetry;

namespace QueueFlow.Worker.Telemetry;

/// <summary>
/// The W3C trace context on the wire. MassTransit carries its own header (<c>MT-Activity-Id</c>, whose value is a
/// W3C traceparent); producers and workers in other languages speak the standard <c>traceparent</c> and
/// <c>tracestate</c> headers, so QueueFlow writes both and reads either.
/// </summary>
public static class TraceHeaders
{
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";
    public const string MassTransitActivityId = "MT-Activity-Id";

    /// <summary>
    /// The context a producer sent in <c>traceparent</c> when MassTransit's own header is absent (MassTransit
    /// already parented its receive span by that one); default when there is none or it does not parse.
    /// </summary>
    public static ActivityContext ForeignParent(Headers headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (headers.TryGetHeader(MassTransitActivityId, out _))
            return default;
        if (!headers.TryGetHeader(TraceParent, out var parent) || parent is not string traceParent)
            return default;
        var traceState = headers.TryGetHeader(TraceState, out var state) ? state as string : null;
        return ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context) ? context : default;
    }

    /// <summary>
    /// Carries the context the message arrived with (<see cref="CarriedTrace"/>) through its handling, for what it
    /// causes to be sent when no span is recorded: MassTransit's header when present (the producer's send span),
    /// else the standard one.
    /// </summary>
    public static CarriedTrace.Scope CarryIncoming(Headers headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (headers.TryGetHeader(MassTransitActivityId, out var activityId) && activityId is string massTransitParent)
            return CarriedTrace.Carry(massTransitParent, null);
        var traceParent = headers.TryGetHeader(TraceParent, out var parent) ? parent as string : null;
        var traceState = headers.TryGetHeader(TraceState, out var state) ? state as string : null;
        return CarriedTrace.Carry(traceParent, traceState);
    }
}
