using System.Text.Json.Serialization;

namespace QueueFlow.Core.Workflows;

/// <summary>What a task's final failure (no retries left, or terminal) does to its job.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FailurePolicy>))]
public enum FailurePolicy
{
    /// <summary>The job fails (Cognite's abortWorkflow). The default.</summary>
    FailJob,

    /// <summary>The task's <c>error</c> transitions are followed, as Itential's error branches are.</summary>
    ErrorTransition,

    /// <summary>
    /// The job carries on as if the task succeeded and completes with the failure in its errors
    /// (Cognite's skipTask; the task reads COMPLETED_WITH_ERRORS there).
    /// </summary>
    Continue,
}
