using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using QueueFlow.Contracts;

namespace QueueFlow.Scheduling;

/// <summary>
/// What a timer's Quartz job carries: the destination, the contract's type name and the message as
/// JSON. The names are stored in the database, so they never change once timers exist.
/// </summary>
internal static class TimerJobData
{
    public const string JobGroup = "queueflow-timers";
    public const string Destination = "destination";
    public const string MessageType = "messageType";
    public const string Message = "message";

    /// <summary>
    /// The W3C traceparent of the trace that scheduled the timer (the span's, or with tracing off the context its job's
    /// work came with); absent when there was none, and for timers set before 2026-12-07 with tracing off.
    /// </summary>
    public const string TraceParent = "traceParent";

    /// <summary>The W3C tracestate that goes with <see cref="TraceParent"/>, when there is one.</summary>
    public const string TraceState = "traceState";

    // Only a round trip through the job data: the wire format is the bus's serializer, applied on send.
    static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    static readonly System.Reflection.Assembly ContractsAssembly = typeof(CommandOutcome).Assembly;

    /// <summary>Only QueueFlow's contracts may be scheduled: a timer must be readable by a later build of any instance.</summary>
    public static bool IsContract(Type type) =>
        type.Assembly == ContractsAssembly && type.IsPublic && type.Namespace == typeof(CommandOutcome).Namespace;

    public static string Serialize(object message) => JsonSerializer.Serialize(message, message.GetType(), JsonOptions);

    public static bool TryResolve(string? typeName, [NotNullWhen(true)] out Type? type)
    {
        type = typeName is null ? null : ContractsAssembly.GetType(typeName, throwOnError: false);
        if (type is not null && IsContract(type))
            return true;
        type = null;
        return false;
    }

    public static object? Deserialize(string json, Type type) => JsonSerializer.Deserialize(json, type, JsonOptions);
}
