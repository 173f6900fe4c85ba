using System.Text.Json.Serialization;

namespace QueueFlow.Core.Adapters.Itential;

/// <summary>Itential's metrics of a job or a task: times in milliseconds since the Unix epoch, run time in milliseconds.</summary>
public sealed record ItentialMetrics
{
    [JsonPropertyName("owner")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Owner { get; init; }

    [JsonPropertyName("start_time")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? StartTime { get; init; }

    [JsonPropertyName("end_time")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? EndTime { get; init; }

    [JsonPropertyName("run_time")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? RunTime { get; init; }

    [JsonPropertyName("finish_state")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FinishState { get; init; }
}
