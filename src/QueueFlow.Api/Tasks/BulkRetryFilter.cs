using System.Text.Json.Serialization;
using QueueFlow.Contracts;

namespace QueueFlow.Api.Tasks;

/// <summary>
/// Which tasks a bulk retry takes: Failed or TimedOut ones (<see cref="Status"/> narrows to one of them) of a workflow,
/// a queue, a task id, whose error contains <see cref="Error"/> (case-insensitive), ended in [<see cref="From"/>, <see cref="To"/>).
/// Null means "any".
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record BulkRetryFilter
{
    public TaskRunStatus? Status { get; init; }
    public string? Workflow { get; init; }
    public string? Queue { get; init; }
    public string? TaskId { get; init; }
    public string? Error { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
}
