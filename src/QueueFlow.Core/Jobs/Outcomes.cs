using QueueFlow.Contracts;

namespace QueueFlow.Core.Jobs;

/// <summary>How the rules build their answers; an answer that changes nothing is still written to the history.</summary>
internal static class Outcomes
{
    public static CommandOutcome Accepted(Job job, JobTask? task, string command, Guid? commandId) =>
        Of(job, task, command, commandId, CommandStatus.Accepted, null);

    /// <summary>Records and answers a refusal; the row names <paramref name="attemptId"/> when the command named an attempt, else the task's current one.</summary>
    public static CommandOutcome Rejected(Job job, JobTask task, string command, Guid? commandId, string reason, DateTimeOffset now, Guid? attemptId = null)
    {
        Record(job, task.TaskId, attemptId ?? task.AttemptId, command, commandId, CommandStatus.Rejected, reason, now);
        return Of(job, task, command, commandId, CommandStatus.Rejected, reason);
    }

    /// <summary>
    /// Records a worker's message that can never change the job (its task or attempt does not exist, the attempt
    /// has ended, the job is finished) and answers it. The row names the task and attempt the message named. The
    /// answer is kept in the <see cref="CommandLog"/> under the message's command, task, attempt and command id, so
    /// the same message delivered again is answered like the first, as a duplicate, and adds no second row.
    /// </summary>
    public static CommandOutcome Refused(Job job, JobTask? task, string taskId, Guid? attemptId, string command, Guid? commandId, CommandStatus status, string reason, DateTimeOffset now)
    {
        var key = CommandLog.RefusalKey(command, taskId, attemptId, commandId);
        if (CommandLog.Repeat(job, key, command) is { } repeat)
            return repeat with { CommandId = commandId, TaskId = taskId };

        // A task id no task can have (longer than any the definition allows) stays in the detail, not the task_id column.
        Record(job, taskId.Length > Workflows.WorkflowParser.MaxIdLength ? null : taskId, attemptId, command, commandId, status, reason, now);
        var outcome = Of(job, task, command, commandId, status, reason) with { TaskId = taskId };
        CommandLog.Remember(job, outcome with { CommandId = key });
        return outcome;
    }

    /// <summary>Records a command that was not applied (rejected, aborted or deferred) and answers it.</summary>
    public static CommandOutcome NotApplied(Job job, JobTask? task, string command, Guid? commandId, CommandStatus status, string reason, DateTimeOffset now, int? waitSeconds = null)
    {
        Record(job, task?.TaskId, task?.AttemptId, command, commandId, status, reason, now);
        return Of(job, task, command, commandId, status, reason) with { WaitSeconds = waitSeconds };
    }

    static void Record(Job job, string? taskId, Guid? attemptId, string command, Guid? commandId, CommandStatus status, string reason, DateTimeOffset now)
    {
        job.HistoryCount++;
        job.Changes.History.Add(new JobHistoryEntry
        {
            JobId = job.CorrelationId,
            Sequence = job.HistoryCount,
            At = now,
            Kind = "Command" + status,
            TaskId = taskId,
            AttemptId = attemptId,
            CommandId = commandId,
            Detail = $"{command}: {reason}",
        });
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
