using System.Text.Json.Serialization;

namespace QueueFlow.Core.Workflows;

/// <summary>What a job's deadline does to it when it passes.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DeadlineAction>))]
public enum DeadlineAction
{
    FailJob,
    CancelJob,
}
