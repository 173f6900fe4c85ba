using System.Diagnostics;

namespace QueueFlow.Core.Telemetry;

/// <summary>
/// The W3C trace context QueueFlow passes on with what it sends, and stores for what it sends later (outbox rows,
/// timers): the current span's when spans are recorded, else the context the work at hand arrived with, unchanged.
/// With tracing off no span exists, yet a producer's trace must still reach the workers and watchers its job's
/// messages go to, as a W3C propagator without a tracer passes it on; the next span recorded downstream is then a
/// child of the producer's own, with no span of QueueFlow's in between that nobody exported.
/// </summary>
public static class CarriedTrace
{
    private static readonly AsyncLocal<TraceContextHeaders?> Carried = new();

    /// <summary>What to pass on here: the current W3C span's context, else the one carried; null when there is neither.</summary>
    public static TraceContextHeaders? Current =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } id } activity
            ? new TraceContextHeaders(id, string.IsNullOrEmpty(activity.TraceStateString) ? null : activity.TraceStateString)
            : Carried.Value;

    /// <summary>
    /// Carries <paramref name="traceParent"/> (and its <paramref name="traceState"/>) through the work that follows,
    /// until the scope is disposed. A value that is not a valid traceparent carries nothing, as a propagator drops it;
    /// a span started meanwhile takes precedence (see <see cref="Current"/>).
    /// </summary>
    public static Scope Carry(string? traceParent, string? traceState)
    {
        var previous = Carried.Value;
        Carried.Value = traceParent is not null && ActivityContext.TryParse(traceParent, traceState, out _)
            ? new TraceContextHeaders(traceParent, string.IsNullOrEmpty(traceState) ? null : traceState)
            : null;
        return new Scope(previous);
    }

    /// <summary>Puts back what was carried before <see cref="Carry"/>.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly TraceContextHeaders? _previous;

        internal Scope(TraceContextHeaders? previous) => _previous = previous;

        public void Dispose() => Carried.Value = _previous;
    }
}
