using System.Text.Json.Serialization;
using QueueFlow.Contracts;

namespace QueueFlow.Api.Tasks;

/// <summary>
/// Which tasks a bulk retry takes: Failed or TimedOut ones (<see cref="Status"/> narrows to one of them) of a workflow,
/// a queue, a task id, whose error contains <see cref="Error"/> (case-insensitive), ended in [<see cref="From"/>, <see cref="To"/>),
/// of a job in any of <see cref="JobStatuses"/> created in [<see cref="CreatedFrom"/>, <see cref="CreatedTo"/>): the
/// last three are the jobs list's own filter, so "the failed tasks of the jobs this list shows" is one request.
/// Null (or empty) means "any".
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
    public IReadOnlyList<JobStatus>? JobStatuses { get; init; }
    public DateTimeOffset? CreatedFrom { get; init; }
    public DateTimeOffset? CreatedTo { get; init; }
}
