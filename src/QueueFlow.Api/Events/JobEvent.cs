using System.Text.Json.Serialization;

namespace QueueFlow.Api.Events;

/// <summary>
/// One change of a job or a task, as <c>GET /api/events</c> sends it: the <c>data</c> of an event whose <c>id</c> is
/// <see cref="Position"/> and whose type is <c>task</c> when <see cref="TaskId"/> is set, else <c>job</c>.
/// </summary>
/// <param name="Position">The history entry's id: the stream's position once this event is sent.</param>
/// <param name="JobId">The job.</param>
/// <param name="Workflow">The job's workflow.</param>
/// <param name="TaskId">The task that changed, or null for a change of the job itself.</param>
/// <param name="Status">The status the job or task went to.</param>
/// <param name="Kind">The history entry's kind, e.g. TaskFailed or JobCompleted.</param>
/// <param name="At">When the change was applied.</param>
public sealed record JobEvent(
    [property: JsonIgnore] long Position,
    Guid JobId,
    string? Workflow,
    string? TaskId,
    string Status,
    string Kind,
    DateTimeOffset At)
{
    [JsonIgnore]
    public string EventType => TaskId is null ? "job" : "task";
}
