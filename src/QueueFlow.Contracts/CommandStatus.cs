using System.Text.Json.Serialization;

namespace QueueFlow.Contracts;

/// <summary>How the job saga answered a command.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CommandStatus>))]
public enum CommandStatus
{
    /// <summary>Applied, possibly with a state the rules chose instead of the one proposed.</summary>
    Accepted,

    /// <summary>Not allowed now: illegal transition, stale attempt, invalid input, unknown job or task.</summary>
    Rejected,

    /// <summary>The job is finished or cancelled: stop working on it.</summary>
    Aborted,

    /// <summary>Try again after <see cref="CommandOutcome.WaitSeconds"/>, e.g. the job is paused.</summary>
    Wait,
}
