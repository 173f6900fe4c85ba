using QueueFlow.Contracts;

namespace QueueFlow.Core.Jobs;

/// <summary>How the job answered one operator command, kept so a repeat with the same command id gets the same answer.</summary>
public sealed record AppliedCommand
{
    public required Guid CommandId { get; init; }
    public required string Command { get; init; }
    public string? TaskId { get; init; }
    public required CommandStatus Status { get; init; }
    public string? Reason { get; init; }
}
