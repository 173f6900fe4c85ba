using QueueFlow.Contracts;

namespace QueueFlow.Core.Adapters.Cognite;

/// <summary>What a Cognite task update becomes: exactly one of a completion or a failure.</summary>
public sealed record CogniteTaskCommand
{
    public CompleteTask? Complete { get; init; }
    public FailTask? Fail { get; init; }

    /// <summary>The command to send, whichever it is.</summary>
    public object Message => (object?)Complete ?? Fail ?? throw new InvalidOperationException("a Cognite task command holds neither a completion nor a failure");
}
