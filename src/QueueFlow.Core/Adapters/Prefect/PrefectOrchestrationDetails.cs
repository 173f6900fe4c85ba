using System.Text.Json.Serialization;

namespace QueueFlow.Core.Adapters.Prefect;

/// <summary>
/// Prefect's orchestration details: <c>accept_details</c> {}, <c>reject_details</c> {reason?},
/// <c>abort_details</c> {reason?}, <c>wait_details</c> {delay_seconds, reason?}.
/// </summary>
public sealed record PrefectOrchestrationDetails
{
    public const string AcceptType = "accept_details";
    public const string RejectType = "reject_details";
    public const string AbortType = "abort_details";
    public const string WaitType = "wait_details";

    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("reason")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }

    /// <summary>Whole seconds; only wait_details has it, and there it is required.</summary>
    [JsonPropertyName("delay_seconds")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? DelaySeconds { get; init; }
}
