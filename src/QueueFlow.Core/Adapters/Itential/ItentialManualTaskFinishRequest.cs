using System.Text.Json.Serialization;

namespace QueueFlow.Core.Adapters.Itential;

/// <summary>
/// The body of Operations Manager's <c>POST /operations-manager/jobs/:jobId/tasks/:taskId/finish</c>: the same task
/// data as the workflow engine's finish_task, but named in camelCase and optional (its example sends <c>{}</c>).
/// </summary>
public sealed record ItentialManualTaskFinishRequest
{
    [JsonPropertyName("taskData")]
    public ItentialTaskData? TaskData { get; init; }
}
