namespace QueueFlow.Core.Telemetry;

/// <summary>A W3C trace context as its two headers carry it: <c>traceparent</c> and, when there is one, <c>tracestate</c>.</summary>
public sealed record TraceContextHeaders(string TraceParent, string? TraceState);
