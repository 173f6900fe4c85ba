using System.Text.Json;

namespace QueueFlow.Contracts;

/// <summary>
/// A worker is still on an attempt. Pushes back the task's heartbeat timeout, if it has one; a heartbeat
/// for an attempt that is no longer current is rejected as stale.
/// </summary>
public sealed record TaskHeartbeat
{
    public required Guid JobId { get; init; }
    public required string TaskId { get; init; }
    public required Guid AttemptId { get; init; }

    /// <summary>How far along the attempt is, from 0 to 1, if the worker knows.</summary>
    public double? Progress { get; init; }

    /// <summary>Anything the worker wants to show with it. A JSON object.</summary>
    public JsonElement? Details { get; init; }
}
