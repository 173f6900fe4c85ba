using System.Security.Cryptography;
using System.Text;
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

    /// <summary>
    /// The log key of a worker's message that was refused for good (<see cref="Outcomes.Refused"/>): a name-based UUID
    /// (version 8, SHA-256) of what the message named, since a worker's message often carries no command id.
    /// </summary>
    public static Guid RefusalKey(string command, string taskId, Guid? attemptId, Guid? commandId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"queueflow:refused\n{command}\n{taskId}\n{attemptId:D}\n{commandId:D}"));
        var bytes = hash.AsSpan(0, 16);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
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
