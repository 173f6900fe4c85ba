using QueueFlow.Contracts;

namespace QueueFlow.Core.Jobs;

/// <summary>
/// Remembers how the job answered its latest operator commands (pause, resume, cancel, retry, continue, revert,
/// watch, claim, assign, release), by command id: a command redelivered or sent again with the same id gets the first answer, marked
/// duplicate, even when the job has moved on since and would now answer differently.
/// </summary>
internal static class CommandLog
{
    /// <summary>How many answers a job keeps; a repeat older than that is applied again by the rules.</summary>
    public const int Capacity = 100;

    public static CommandOutcome? Repeat(Job job, Guid? commandId, string command)
    {
        if (commandId is not { } id || job.AppliedCommands.Find(c => c.CommandId == id) is not { } seen)
            return null;
        return new CommandOutcome
        {
            JobId = job.CorrelationId,
            TaskId = seen.TaskId,
            Command = command,
            CommandId = id,
            Status = seen.Status,
            Reason = seen.Reason,
            JobStatus = job.Status,
            TaskStatus = seen.TaskId is null ? null : job.FindTask(seen.TaskId)?.Status,
            Duplicate = true,
        };
    }

    /// <summary>Keeps the answer of a command that carried an id and returns it.</summary>
    public static CommandOutcome Remember(Job job, CommandOutcome outcome)
    {
        if (outcome.CommandId is not { } id)
            return outcome;
        job.AppliedCommands.Add(new AppliedCommand { CommandId = id, Command = outcome.Command, TaskId = outcome.TaskId, Status = outcome.Status, Reason = outcome.Reason });
        if (job.AppliedCommands.Count > Capacity)
            job.AppliedCommands.RemoveRange(0, job.AppliedCommands.Count - Capacity);
        return outcome;
    }
}
