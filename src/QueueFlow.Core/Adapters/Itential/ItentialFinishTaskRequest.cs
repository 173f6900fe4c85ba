using System.Text.Json.Serialization;

namespace QueueFlow.Core.Adapters.Itential;

/// <summary>The body of <c>POST /workflow_engine/jobs/finish_task/:job_id/:task_id</c>; task_data is required.</summary>
public sealed record ItentialFinishTaskRequest
{
    [JsonPropertyName("task_data")]
    public ItentialTaskData? TaskData { get; init; }
}
