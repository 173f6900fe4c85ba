using QueueFlow.Contracts;
using QueueFlow.Core.Workflows;

namespace QueueFlow.Core.Jobs;

/// <summary>
/// An operator's repair of a job that went wrong, after Itential's Operations Manager: retry a task, continue a
/// failed job from a task, revert a job to an earlier task. A Failed job is not final here (Itential's
/// <c>error</c>): each of these can bring it back to Running. Completed and Cancelled jobs never change (Aborted).
/// </summary>
public static class TaskControlRules
{
    /// <summary>
    /// A Failed or TimedOut task runs again as a new attempt of the same iteration. In a Failed job only the task
    /// the job failed on may be retried, and the job runs again; in a Running or Paused job (the task's failure
    /// policy carried the job on) the task alone runs again, and the paths its failure already took stay taken.
    /// </summary>
    public static CommandOutcome Retry(Job job, WorkflowDefinition definition, RetryTask command, DateTimeOffset now)
    {
        const string name = nameof(RetryTask);
        if (CommandLog.Repeat(job, command.CommandId, name) is { } repeat)
            return repeat;
        if (Final(job, name, command.CommandId, now) is { } final)
            return CommandLog.Remember(job, final);
        if (job.FindTask(command.TaskId) is not { } task)
            return CommandLog.Remember(job, UnknownTask(job, name, command.CommandId, command.TaskId, now));
        if (task.Status is not (TaskRunStatus.Failed or TaskRunStatus.TimedOut))
            return CommandLog.Remember(job, Outcomes.Rejected(job, task, name, command.CommandId, $"task '{task.TaskId}' is {task.Status}: only a Failed or TimedOut task is retried", now));

        var failedOn = FailedOn(job);
        if (job.Status == JobStatus.Failed && failedOn != task.TaskId)
        {
            return CommandLog.Remember(job, Outcomes.Rejected(job, task, name, command.CommandId, failedOn is null
                ? $"job {job.CorrelationId} did not fail on a task: continue it from a task instead"
                : $"job {job.CorrelationId} failed on '{failedOn}', not on '{task.TaskId}': retry '{failedOn}', or continue or revert the job", now));
        }

        var reason = Reason(command.Reason, $"task '{task.TaskId}' retried");
        var editor = new JobEditor(job, definition, now, command.CommandId);
        if (job.Status == JobStatus.Failed)
            editor.Revive(reason, new HashSet<string>(StringComparer.Ordinal) { task.TaskId });

        editor.Touch(task);
        task.Error = null;
        editor.SetTaskStatus(task, TaskRunStatus.Scheduled, reason);
        editor.Dispatch(task);
        return CommandLog.Remember(job, Outcomes.Accepted(job, task, name, command.CommandId));
    }

    /// <summary>
    /// A Failed job runs again from a task: the one it failed on by default, or any task whose successors have not
    /// run yet (the failed task, a completed task none of whose transitions was followed, or a task further on to
    /// skip ahead to). That task runs as a new iteration if it ran before. Re-running finished work is a revert.
    /// </summary>
    public static CommandOutcome Continue(Job job, WorkflowDefinition definition, ContinueJob command, DateTimeOffset now)
    {
        const string name = nameof(ContinueJob);
        if (CommandLog.Repeat(job, command.CommandId, name) is { } repeat)
            return repeat;
        if (Final(job, name, command.CommandId, now) is { } final)
            return CommandLog.Remember(job, final);
        if (job.Status != JobStatus.Failed)
            return CommandLog.Remember(job, Refuse(job, null, name, command.CommandId, $"job {job.CorrelationId} is {job.Status}: only a Failed job is continued", now));

        var fromId = string.IsNullOrWhiteSpace(command.FromTask) ? FailedOn(job) : command.FromTask;
        if (fromId is null)
            return CommandLog.Remember(job, Refuse(job, null, name, command.CommandId, $"job {job.CorrelationId} did not fail on a task: name the task to continue from in fromTask", now));
        if (job.FindTask(fromId) is not { } task)
            return CommandLog.Remember(job, UnknownTask(job, name, command.CommandId, fromId, now));

        if (definition.ForwardOutgoing[task.TaskId].Select(e => e.To).Where(id => id != WorkflowDefinition.End).Select(job.FindTask)
                .FirstOrDefault(next => next is not null && next.Status != TaskRunStatus.Pending) is { } reached)
        {
            return CommandLog.Remember(job, Outcomes.Rejected(job, task, name, command.CommandId,
                $"task '{reached.TaskId}' after '{task.TaskId}' has already run ({reached.Status}): continue from a task whose successors have not run, or revert to '{task.TaskId}'", now));
        }

        var reason = Reason(command.Reason, $"continued from task '{task.TaskId}'");
        var editor = new JobEditor(job, definition, now, command.CommandId);
        editor.Revive(reason, new HashSet<string>(StringComparer.Ordinal) { task.TaskId });
        if (task.Status != TaskRunStatus.Pending)
            editor.Reset(task, reason);
        if (job.Status == JobStatus.Running)
        {
            editor.SetTaskStatus(task, TaskRunStatus.Scheduled, reason);
            editor.Dispatch(task);
        }

        return CommandLog.Remember(job, Outcomes.Accepted(job, task, name, command.CommandId));
    }

    /// <summary>
    /// Itential's revert: a Failed or Paused job goes back from an errored task to a task that completed before it.
    /// Every task reachable from that task is reset to Pending as a new iteration (open attempts and timers end) and
    /// the task runs again; a Failed job runs again, a Paused one holds the task until it is resumed.
    /// </summary>
    public static CommandOutcome Revert(Job job, WorkflowDefinition definition, RevertJob command, DateTimeOffset now)
    {
        const string name = nameof(RevertJob);
        if (CommandLog.Repeat(job, command.CommandId, name) is { } repeat)
            return repeat;
        if (Final(job, name, command.CommandId, now) is { } final)
            return CommandLog.Remember(job, final);
        if (job.Status is not (JobStatus.Failed or JobStatus.Paused))
            return CommandLog.Remember(job, Refuse(job, null, name, command.CommandId, $"job {job.CorrelationId} is {job.Status}: only a Failed or Paused job is reverted (pause it first)", now));

        var fromId = string.IsNullOrWhiteSpace(command.FromTask) ? (job.Status == JobStatus.Failed ? FailedOn(job) : null) : command.FromTask;
        if (fromId is null)
            return CommandLog.Remember(job, Refuse(job, null, name, command.CommandId, "fromTask is required: name the errored task to revert from", now));
        if (job.FindTask(fromId) is not { } from)
            return CommandLog.Remember(job, UnknownTask(job, name, command.CommandId, fromId, now));
        if (from.Status is not (TaskRunStatus.Failed or TaskRunStatus.TimedOut))
            return CommandLog.Remember(job, Outcomes.Rejected(job, from, name, command.CommandId, $"task '{from.TaskId}' is {from.Status}: a revert starts from an errored (Failed or TimedOut) task", now));
        if (job.FindTask(command.ToTask) is not { } to)
            return CommandLog.Remember(job, UnknownTask(job, name, command.CommandId, command.ToTask, now));
        if (to.Status != TaskRunStatus.Completed)
            return CommandLog.Remember(job, Outcomes.Rejected(job, to, name, command.CommandId, $"task '{to.TaskId}' is {to.Status}: a revert goes back to a task that completed", now));

        var after = WorkflowDefinition.Reach(to.TaskId, definition.ForwardOutgoing, e => e.To);
        after.Remove(WorkflowDefinition.End);
        if (!after.Contains(from.TaskId))
            return CommandLog.Remember(job, Outcomes.Rejected(job, to, name, command.CommandId, $"task '{from.TaskId}' does not come after '{to.TaskId}': revert to a task before it", now));

        var reason = $"reverted from task '{from.TaskId}' to '{to.TaskId}'";
        var editor = new JobEditor(job, definition, now, command.CommandId);
        if (job.Status == JobStatus.Failed)
            editor.Revive(reason, after);

        // In definition order, so the history reads the workflow front to back.
        foreach (var task in definition.Tasks.Where(t => after.Contains(t.Id)).Select(t => job.FindTask(t.Id)!))
            editor.Reset(task, reason);
        if (job.Status is JobStatus.Running or JobStatus.Paused)
            editor.Dispatch(to);
        return CommandLog.Remember(job, Outcomes.Accepted(job, to, name, command.CommandId));
    }

    /// <summary>The task whose error failed the job: the last error's task, or null when it failed as a whole (its deadline).</summary>
    static string? FailedOn(Job job) => job.Errors is [.., var last] && last.Task != "job" ? last.Task : null;

    static CommandOutcome? Final(Job job, string command, Guid? commandId, DateTimeOffset now) =>
        job.Status is JobStatus.Completed or JobStatus.Cancelled
            ? Outcomes.NotApplied(job, null, command, commandId, CommandStatus.Aborted, $"job {job.CorrelationId} is {job.Status}: a completed or cancelled job does not change", now)
            : null;

    static CommandOutcome Refuse(Job job, JobTask? task, string command, Guid? commandId, string reason, DateTimeOffset now) =>
        Outcomes.NotApplied(job, task, command, commandId, CommandStatus.Rejected, reason, now);

    internal static CommandOutcome UnknownTask(Job job, string command, Guid? commandId, string taskId, DateTimeOffset now) =>
        Outcomes.NotApplied(job, null, command, commandId, CommandStatus.Rejected, $"job {job.CorrelationId} has no task '{taskId}'", now) with { TaskId = taskId };

    static string Reason(string? given, string otherwise) => string.IsNullOrWhiteSpace(given) ? otherwise : given.Trim();
}
