namespace QueueFlow.Chaos;

/// <summary>The fields every answer to a RunTask carries, serialized in camelCase.</summary>
internal sealed record TaskReply(Guid JobId, string TaskId, Guid AttemptId);
