using QueueFlow.Contracts;

namespace QueueFlow.Core.Jobs;

/// <summary>How a state proposal with a transition id was answered, so a repeat gets the same answer.</summary>
public sealed record RecordedTransition(Guid Id, CommandStatus Status, TaskRunStatus TaskStatus, string? Reason);
