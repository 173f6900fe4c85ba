using System.Text.Json.Serialization;

namespace QueueFlow.Contracts;

/// <summary>The canonical status of a job. Completed, Failed and Cancelled are final.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JobStatus>))]
public enum JobStatus
{
    Running,
    Paused,
    Completed,
    Failed,
    Cancelled,
}
