using QueueFlow.Contracts;

namespace QueueFlow.Core.Jobs;

/// <summary>How the rules build their answers; an answer that changes nothing is still written to the history.</summary>
internal static class Outcomes
{
    public static CommandOutcome Accepted(Job job, JobTask? task, string command, Guid? commandId) =>
        Of(job, task, command, commandId, CommandStatus.Accepted, null);

    public static CommandOutcome Rejected(Job job, JobTask task, string command, Guid? commandId, string reason, DateTimeOffset now) =>
        NotApplied(job, task, command, commandId, CommandStatus.Rejected, reason, now);

    /// <summary>Records a command that was not applied (rejected, aborted or deferred) and answers it.</summary>
    public static CommandOutcome NotApplied(Job job, JobTask? task, string command, Guid? commandId, CommandStatus status, string reason, DateTimeOffset now, int? waitSeconds = null)
    {
        job.HistoryCount++;
        job.PendingHistory.Add(new JobHistoryEntry
        {
            JobId = job.CorrelationId,
            Sequence = job.HistoryCount,
            At = now,
            Kind = "Command" + status,
            TaskId = task?.TaskId,
            AttemptId = task?.AttemptId,
            CommandId = commandId,
            Detail = $"{command}: {reason}",
        });
        return Of(job, task, command, commandId, status, reason) with { WaitSeconds = waitSeconds };
    }

    /// <summary>An answer for a job or task that does not exist: nothing to record it on.</summary>
    public static CommandOutcome Rejected(Job job, Guid jobId, string? taskId, string command, Guid? commandId, string reason) => new()
    {
        JobId = jobId,
        TaskId = taskId,
        Command = command,
        CommandId = commandId,
        Status = CommandStatus.Rejected,
        Reason = reason,
        JobStatus = job.Workflow.Length > 0 ? job.Status : null,
    };

    public static CommandOutcome Of(Job job, JobTask? task, string command, Guid? commandId, CommandStatus status, string? reason) => new()
    {
        JobId = job.CorrelationId,
        TaskId = task?.TaskId,
        Command = command,
        CommandId = commandId,
        Status = status,
        Reason = reason,
        JobStatus = job.Status,
        TaskStatus = task?.Status,
    };
}
