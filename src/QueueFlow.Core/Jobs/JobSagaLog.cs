using Microsoft.Extensions.Logging;
using QueueFlow.Contracts;

namespace QueueFlow.Core.Jobs;

/// <summary>
/// What the job saga logs: ids, outcomes and reasons, never payloads (they may hold customer data). Every line
/// names the job as {JobId} (and {TaskId}, {Attempt} where a task is concerned), as the log scope does.
/// </summary>
internal static partial class JobSagaLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "{Command} for job {JobId} task {TaskId}: {Status}")]
    public static partial void Accepted(ILogger logger, string command, Guid jobId, string? taskId, CommandStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Command} for job {JobId} task {TaskId}: {Status}, {Reason}")]
    public static partial void NotAccepted(ILogger logger, string command, Guid jobId, string? taskId, CommandStatus status, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of {Workflow} is {JobStatus}")]
    public static partial void JobStatusChanged(ILogger logger, Guid jobId, string workflow, JobStatus jobStatus);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} of {Workflow} failed: {Reason}")]
    public static partial void JobFailed(ILogger logger, Guid jobId, string workflow, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} of job {JobId} failed at attempt {Attempt}: {Reason}")]
    public static partial void TaskFailed(ILogger logger, Guid jobId, string? taskId, int attempt, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} of job {JobId} timed out at attempt {Attempt}: {Reason}")]
    public static partial void TaskTimedOut(ILogger logger, Guid jobId, string? taskId, int attempt, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} of job {JobId} will be retried after attempt {Attempt}: {Reason}")]
    public static partial void TaskRetried(ILogger logger, Guid jobId, string? taskId, int attempt, string? reason);

    public static void Outcome(ILogger logger, CommandOutcome outcome)
    {
        if (outcome.Status == CommandStatus.Accepted)
            Accepted(logger, outcome.Command, outcome.JobId, outcome.TaskId, outcome.Status);
        else
            NotApplied(logger, outcome);
    }

    static void NotApplied(ILogger logger, CommandOutcome outcome) =>
        NotAccepted(logger, outcome.Command, outcome.JobId, outcome.TaskId, outcome.Status, outcome.Reason);

    /// <summary>A failure, a timeout and a retry each get a line with their reason, read from the history the command made.</summary>
    public static void TaskTransitions(ILogger logger, Job job)
    {
        // Failures and timeouts are warnings, retries information: a logger set to Warning still gets the first two.
        if (!logger.IsEnabled(LogLevel.Warning))
            return;

        // Runs for every command at the Warning level: the attempt is looked up only for a line that is written.
        foreach (var entry in job.Changes.History)
        {
            var retried = entry.Kind == "TaskScheduled" && entry.From == nameof(TaskRunStatus.Running);
            if (entry.Kind is not ("TaskFailed" or "TaskTimedOut") && !(retried && logger.IsEnabled(LogLevel.Information)))
                continue;

            var attempt = entry.TaskId is null ? 0 : job.FindTask(entry.TaskId)?.Attempt ?? 0;
            if (entry.Kind == "TaskFailed")
                TaskFailed(logger, job.CorrelationId, entry.TaskId, attempt, entry.Detail);
            else if (entry.Kind == "TaskTimedOut")
                TaskTimedOut(logger, job.CorrelationId, entry.TaskId, attempt, entry.Detail);
            else
                TaskRetried(logger, job.CorrelationId, entry.TaskId, attempt, entry.Detail);
        }
    }
}
