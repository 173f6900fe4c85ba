using Microsoft.Extensions.Logging;
using QueueFlow.Contracts;

namespace QueueFlow.Core.Jobs;

/// <summary>What the job saga logs: ids and outcomes, never payloads (they may hold customer data).</summary>
internal static partial class JobSagaLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "{Command} for job {JobId} task {TaskId}: {Status}")]
    public static partial void Accepted(ILogger logger, string command, Guid jobId, string? taskId, CommandStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Command} for job {JobId} task {TaskId}: {Status}, {Reason}")]
    public static partial void NotAccepted(ILogger logger, string command, Guid jobId, string? taskId, CommandStatus status, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of {Workflow} is {JobStatus}")]
    public static partial void JobStatusChanged(ILogger logger, Guid jobId, string workflow, JobStatus jobStatus);

    public static void Outcome(ILogger logger, CommandOutcome outcome)
    {
        if (outcome.Status == CommandStatus.Accepted)
            Accepted(logger, outcome.Command, outcome.JobId, outcome.TaskId, outcome.Status);
        else
            NotAccepted(logger, outcome.Command, outcome.JobId, outcome.TaskId, outcome.Status, outcome.Reason);
    }
}
