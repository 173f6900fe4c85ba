using System.Text.Json;
using System.Text.Json.Serialization;

namespace QueueFlow.Core.Adapters.Prefect;

/// <summary>
/// Prefect's <c>state_details</c>. QueueFlow acts on <see cref="ScheduledTime"/> and <see cref="TransitionId"/>;
/// the rest are accepted so a Prefect client's request parses, and echoed back on an accepted state.
/// </summary>
public sealed record PrefectStateDetails
{
    [JsonPropertyName("flow_run_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FlowRunId { get; init; }

    [JsonPropertyName("task_run_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TaskRunId { get; init; }

    [JsonPropertyName("child_flow_run_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ChildFlowRunId { get; init; }

    [JsonPropertyName("scheduled_time")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? ScheduledTime { get; init; }

    [JsonPropertyName("cache_key")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CacheKey { get; init; }

    [JsonPropertyName("cache_expiration")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? CacheExpiration { get; init; }

    [JsonPropertyName("deferred")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Deferred { get; init; }

    [JsonPropertyName("untrackable_result")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? UntrackableResult { get; init; }

    [JsonPropertyName("pause_timeout")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? PauseTimeout { get; init; }

    [JsonPropertyName("pause_reschedule")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? PauseReschedule { get; init; }

    [JsonPropertyName("pause_key")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PauseKey { get; init; }

    [JsonPropertyName("run_input_keyset")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? RunInputKeyset { get; init; }

    [JsonPropertyName("refresh_cache")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? RefreshCache { get; init; }

    /// <summary>Prefect's switch to disable retries of a FAILED proposal; see <see cref="PrefectSetState"/> for why it is not honoured.</summary>
    [JsonPropertyName("retriable")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Retriable { get; init; }

    /// <summary>A UUID; a repeated one is answered like the first time and changes nothing.</summary>
    [JsonPropertyName("transition_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TransitionId { get; init; }

    [JsonPropertyName("task_parameters_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TaskParametersId { get; init; }

    [JsonPropertyName("traceparent")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Traceparent { get; init; }
}
