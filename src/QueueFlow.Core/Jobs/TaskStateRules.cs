using System.Text.Json;
using QueueFlow.Contracts;
using QueueFlow.Core.Workflows;

namespace QueueFlow.Core.Jobs;

/// <summary>
/// Orchestration rules for a proposed task state (Prefect's set_state, in QueueFlow's canonical states).
/// Checks run in a fixed order: validation (never skipped), a repeated transition id, a finished job
/// (Aborted), then — unless <see cref="SetTaskState.Force"/> — a paused job (Wait) and the proposal
/// against the task's current status (Rejected, Aborted or Wait). What is left is applied.
/// The README publishes the full table.
/// </summary>
public sealed class TaskStateRules(JobRules rules, JobRulesOptions options)
{
    const string Name = nameof(SetTaskState);

    public CommandOutcome SetState(Job job, WorkflowDefinition definition, SetTaskState command, DateTimeOffset now)
    {
        var task = job.FindTask(command.TaskId);
        if (task is null)
            return Outcomes.Refused(job, null, command.TaskId, command.AttemptId, Name, command.CommandId, CommandStatus.Aborted, $"job {job.CorrelationId} has no task '{command.TaskId}'", now);
        if (Validate(task, command, now) is { } invalid)
            return Outcomes.Rejected(job, task, Name, command.CommandId, invalid, now, command.AttemptId);

        if (command.TransitionId is { } transitionId && task.Attempts.SelectMany(a => a.Transitions).FirstOrDefault(t => t.Id == transitionId) is { } seen)
            return Outcomes.Of(job, task, Name, command.CommandId, seen.Status, seen.Reason) with { TaskStatus = seen.TaskStatus, Duplicate = true };

        if (JobRules.IsFinished(job.Status))
            return Outcomes.NotApplied(job, task, Name, command.CommandId, CommandStatus.Aborted, $"job {job.CorrelationId} is {job.Status}: stop working on it", now);

        if (!command.Force)
        {
            if (job.Status == JobStatus.Paused)
                return Outcomes.NotApplied(job, task, Name, command.CommandId, CommandStatus.Wait, $"job {job.CorrelationId} is paused", now, options.PausedWaitSeconds);
            if (Refuse(job, task, command, now) is { } refused)
                return refused;
        }

        var outcome = Apply(job, definition, task, command, now);
        if (command.TransitionId is { } id && task.Attempts.Count > 0)
            task.Attempts[^1].Transitions.Add(new RecordedTransition(id, outcome.Status, task.Status, outcome.Reason));
        return outcome;
    }

    string? Validate(JobTask task, SetTaskState command, DateTimeOffset now)
    {
        if (command.State is TaskRunStatus.Pending or TaskRunStatus.Skipped or TaskRunStatus.TimedOut)
            return $"{command.State} is not a state to propose: propose Scheduled, Running, Completed, Failed, Cancelled or Paused";
        if ((FinishStates.Check(command.FinishState) ?? rules.CheckObject(command.Output, "output")) is { } invalid)
            return invalid;
        if (command.AttemptId is { } attemptId)
        {
            if (task.FindAttempt(attemptId) is not { } attempt)
                return $"task '{task.TaskId}' has no attempt {attemptId}";
            if (attempt.Id != task.AttemptId)
                return $"stale attempt: attempt {attempt.Number} ({attempt.Id}) is not the current attempt {task.Attempt} ({task.AttemptId})";
        }

        return null;
    }

    /// <summary>The rules <see cref="SetTaskState.Force"/> skips: what may follow the task's current status.</summary>
    static CommandOutcome? Refuse(Job job, JobTask task, SetTaskState command, DateTimeOffset now)
    {
        CommandOutcome Answer(CommandStatus status, string reason, int? wait = null) =>
            Outcomes.NotApplied(job, task, Name, command.CommandId, status, reason, now, wait);

        switch (task.Status)
        {
            case TaskRunStatus.Completed or TaskRunStatus.Failed or TaskRunStatus.Cancelled or TaskRunStatus.Skipped or TaskRunStatus.TimedOut:
                return command.State is TaskRunStatus.Paused or TaskRunStatus.Cancelled
                    ? Answer(CommandStatus.Aborted, $"task '{task.TaskId}' is already {task.Status}: stop working on it")
                    : Answer(CommandStatus.Rejected, $"task '{task.TaskId}' is already {task.Status}");
            case TaskRunStatus.Pending:
                return Answer(CommandStatus.Rejected, $"task '{task.TaskId}' has not been reached yet");
            case TaskRunStatus.Scheduled when command.State == TaskRunStatus.Running && task.ScheduledAt > now:
                var seconds = (int)Math.Ceiling((task.ScheduledAt.Value - now).TotalSeconds);
                return Answer(CommandStatus.Wait, $"task '{task.TaskId}' is scheduled for {task.ScheduledAt:O}", seconds);
            case var current when current == command.State:
                return Answer(CommandStatus.Rejected, $"task '{task.TaskId}' is already {current}");
            default:
                return null;
        }
    }

    static CommandOutcome Apply(Job job, WorkflowDefinition definition, JobTask task, SetTaskState command, DateTimeOffset now)
    {
        var editor = new JobEditor(job, definition, now, command.CommandId);
        editor.Touch(task);
        var active = task.Status is TaskRunStatus.Pending or TaskRunStatus.Scheduled or TaskRunStatus.Running or TaskRunStatus.Paused;
        if (command.Output is { ValueKind: JsonValueKind.Object } output)
            task.Output = JsonObjects.Merge(task.Output, output);

        switch (command.State)
        {
            case TaskRunStatus.Paused:
                editor.SetTaskStatus(task, TaskRunStatus.Paused, command.Message);
                break;
            case TaskRunStatus.Running when task.Status == TaskRunStatus.Paused && task.Attempts.Count > 0 && task.Attempts[^1].Status == TaskRunStatus.Running:
                editor.SetTaskStatus(task, TaskRunStatus.Running, "resumed");
                break;
            case TaskRunStatus.Scheduled when command.ScheduledTime > now:
                editor.CloseAttempt(task, TaskRunStatus.Cancelled, "superseded by a scheduled attempt");
                editor.ScheduleStart(task, command.ScheduledTime.Value, command.Message ?? "scheduled");
                break;
            case TaskRunStatus.Running or TaskRunStatus.Scheduled:
                editor.CloseAttempt(task, TaskRunStatus.Cancelled, "superseded by a new attempt");
                editor.Dispatch(task);
                break;
            case TaskRunStatus.Completed:
                var finishState = string.IsNullOrWhiteSpace(command.FinishState) ? TransitionDefinition.Success : command.FinishState;
                editor.CloseAttempt(task, TaskRunStatus.Completed, finishState: finishState);
                task.FinishState = finishState;
                task.EndedAt = now;
                editor.SetTaskStatus(task, TaskRunStatus.Completed, command.Force ? "forced" : null);
                if (active)
                    editor.Advance(task.TaskId, finishState);
                break;
            case TaskRunStatus.Failed:
                var attemptRunning = task.Attempts.Count > 0 && task.Attempts[^1].Status == TaskRunStatus.Running;
                var error = string.IsNullOrWhiteSpace(command.Message) ? "the task failed" : command.Message;
                editor.CloseAttempt(task, TaskRunStatus.Failed, error);
                task.Error = error;
                var retries = definition.TasksById[task.TaskId].Retries;

                // Only an attempt in progress is retried; failing a task that waits for its retry ends it, and so
                // does a failure its reporter marked as not retriable.
                if (task.Status is TaskRunStatus.Running or TaskRunStatus.Paused && attemptRunning && !command.Force
                    && command.Retriable != false && task.Attempt <= retries)
                {
                    editor.ScheduleRetry(task, $"attempt {task.Attempt} failed, retry {task.Attempt} of {retries}: {error}");
                    break;
                }

                editor.FailTask(task, error);
                break;
            case TaskRunStatus.Cancelled:
                var reason = string.IsNullOrWhiteSpace(command.Message) ? $"task '{task.TaskId}' was cancelled" : $"task '{task.TaskId}' was cancelled: {command.Message}";
                editor.CloseAttempt(task, TaskRunStatus.Cancelled, reason);
                task.EndedAt = now;
                editor.SetTaskStatus(task, TaskRunStatus.Cancelled, reason);
                editor.FailJob(task.TaskId, reason);
                break;
        }

        return Outcomes.Accepted(job, task, Name, command.CommandId);
    }
}
