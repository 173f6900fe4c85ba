using System.Text.Json;
using QueueFlow.Contracts;
using QueueFlow.Core.Workflows;

namespace QueueFlow.Core.Jobs;

/// <summary>
/// What the job's own timers and a worker's heartbeats do. A timer carries the attempt it was set for,
/// so one that fires late, or twice, finds a different attempt and changes nothing.
/// </summary>
public sealed class TimerRules(JobRules rules)
{
    /// <summary>A scheduled task is due: open the attempt the timer was set for, if the task still waits for it.</summary>
    public static CommandOutcome StartScheduled(Job job, WorkflowDefinition definition, StartScheduledTask command, DateTimeOffset now)
    {
        const string name = nameof(StartScheduledTask);
        if (job.FindTask(command.TaskId) is not { } task)
            return Outcomes.Rejected(job, job.CorrelationId, command.TaskId, name, null, $"job {job.CorrelationId} has no task '{command.TaskId}'");
        if (JobRules.IsFinished(job.Status))
            return Outcomes.Of(job, task, name, null, CommandStatus.Aborted, $"job {job.CorrelationId} is {job.Status}");
        if (task.Status != TaskRunStatus.Scheduled || task.Attempt + 1 != command.Attempt)
            return Outcomes.NotApplied(job, task, name, null, CommandStatus.Rejected, $"stale timer: it was set for attempt {command.Attempt}, the task is {task.Status} at attempt {task.Attempt}", now);
        if (job.Status == JobStatus.Paused)
            return Outcomes.NotApplied(job, task, name, null, CommandStatus.Wait, "the job is paused: the task starts when it resumes", now);

        new JobEditor(job, definition, now, null).Dispatch(task);
        return Outcomes.Accepted(job, task, name, null);
    }

    /// <summary>
    /// An attempt ran out of time (start-to-close) or of heartbeats: it ends as TimedOut and the task is
    /// retried like a failure while retries remain and the task retries timeouts, else it times out for good.
    /// </summary>
    public static CommandOutcome TimeOut(Job job, WorkflowDefinition definition, TimeOutTaskAttempt command, DateTimeOffset now)
    {
        const string name = nameof(TimeOutTaskAttempt);
        if (job.FindTask(command.TaskId) is not { } task)
            return Outcomes.Rejected(job, job.CorrelationId, command.TaskId, name, null, $"job {job.CorrelationId} has no task '{command.TaskId}'");
        if (JobRules.IsFinished(job.Status))
            return Outcomes.Of(job, task, name, null, CommandStatus.Aborted, $"job {job.CorrelationId} is {job.Status}");
        if (task.AttemptId != command.AttemptId || task.FindAttempt(command.AttemptId) is not { Status: TaskRunStatus.Running })
            return Outcomes.NotApplied(job, task, name, null, CommandStatus.Rejected, $"stale timer: attempt {command.AttemptId} is no longer running", now);

        var taskDefinition = definition.TasksById[task.TaskId];
        var error = command.Timeout == TimeoutKinds.Heartbeat
            ? $"no heartbeat for {taskDefinition.HeartbeatTimeout?.TotalSeconds}s"
            : $"timed out after {taskDefinition.Timeout?.TotalSeconds}s";
        var editor = new JobEditor(job, definition, now, null);
        editor.Touch(task);
        editor.CloseAttempt(task, TaskRunStatus.TimedOut, error);
        task.Error = error;
        if (taskDefinition.RetryOnTimeout && task.Attempt <= taskDefinition.Retries)
            editor.ScheduleRetry(task, $"attempt {task.Attempt} {error}, retry {task.Attempt} of {taskDefinition.Retries}");
        else
            editor.FailTask(task, error, status: TaskRunStatus.TimedOut);
        return Outcomes.Accepted(job, task, name, null);
    }

    /// <summary>The job's deadline passed: it fails or is cancelled, as its definition says.</summary>
    public static CommandOutcome Expire(Job job, WorkflowDefinition definition, ExpireJob command, DateTimeOffset now)
    {
        const string name = nameof(ExpireJob);
        if (JobRules.IsFinished(job.Status))
            return Outcomes.Of(job, null, name, null, CommandStatus.Aborted, $"job {job.CorrelationId} is {job.Status}");

        var reason = $"the job's deadline of {definition.Deadline?.TotalSeconds}s passed";
        var editor = new JobEditor(job, definition, now, null);
        if (definition.OnDeadline == DeadlineAction.CancelJob)
            editor.CancelJob(reason);
        else
            editor.FailJob("job", reason);
        return Outcomes.Accepted(job, null, name, null);
    }

    /// <summary>A worker is alive on an attempt: note it and push back the heartbeat timeout.</summary>
    public CommandOutcome Heartbeat(Job job, WorkflowDefinition definition, TaskHeartbeat command, DateTimeOffset now)
    {
        const string name = nameof(TaskHeartbeat);
        if (JobRules.FindAttempt(job, command.TaskId, command.AttemptId, name, null, now, out var task, out var attempt) is { } problem)
            return problem;
        if (JobRules.CheckActive(job, task, attempt, name, null, now) is { } inactive)
            return inactive;
        if (command.Progress is < 0 or > 1)
            return Outcomes.Rejected(job, task, name, null, $"progress must be from 0 to 1, not {command.Progress}", now);
        if (rules.CheckObject(command.Details, "details") is { } invalid)
            return Outcomes.Rejected(job, task, name, null, invalid, now);

        job.Changes.Touch(task);
        attempt.LastHeartbeatAt = now;
        attempt.Progress = command.Progress ?? attempt.Progress;
        if (command.Details is { ValueKind: JsonValueKind.Object } details)
            attempt.Details = details.GetRawText();
        job.UpdatedAt = now;
        if (definition.TasksById[task.TaskId].HeartbeatTimeout is { } timeout)
            new JobEditor(job, definition, now, null).ScheduleHeartbeatTimeout(task, attempt.Id, now + timeout);
        return Outcomes.Accepted(job, task, name, null);
    }
}
