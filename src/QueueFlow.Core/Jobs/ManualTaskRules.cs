using QueueFlow.Contracts;

namespace QueueFlow.Core.Jobs;

/// <summary>
/// Who holds a manual task, after Itential's claim, assign and release. Only a Running manual task (one waiting
/// for a person) is held. A held task may be finished only by its holder (<see cref="CheckHolder"/>, applied to
/// CompleteTask and FailTask); a task nobody holds may be finished by anyone, as Itential's finish takes no claim.
/// </summary>
public static class ManualTaskRules
{
    public const int MaxUserLength = 255;

    /// <summary>The longest name a history row's from and to hold.</summary>
    const int HistoryNameLength = 64;

    /// <summary>The caller takes the task; claiming a task you hold is a duplicate, one someone else holds is refused.</summary>
    public static CommandOutcome Claim(Job job, ClaimTask command, DateTimeOffset now)
    {
        const string name = nameof(ClaimTask);
        if (Check(job, command.TaskId, command.User, "user", name, command.CommandId, now, out var task) is { } problem)
            return problem;
        if (task.Assignee == command.User)
            return CommandLog.Remember(job, Outcomes.Accepted(job, task, name, command.CommandId) with { Duplicate = true });
        if (task.Assignee is { } holder)
            return CommandLog.Remember(job, Outcomes.Rejected(job, task, name, command.CommandId, $"task '{task.TaskId}' is already held by '{holder}'", now));

        Hold(job, task, command.User, command.User, command.CommandId, now, "Claimed");
        return CommandLog.Remember(job, Outcomes.Accepted(job, task, name, command.CommandId));
    }

    /// <summary>Gives the task to a user, taking it from whoever held it (an operator's hand-over).</summary>
    public static CommandOutcome Assign(Job job, AssignTask command, DateTimeOffset now)
    {
        const string name = nameof(AssignTask);
        if (Check(job, command.TaskId, command.Assignee, "assignee", name, command.CommandId, now, out var task) is { } problem)
            return problem;
        if (command.AssignedBy is { } by && (by.Length > MaxUserLength || by.Any(char.IsControl)))
            return CommandLog.Remember(job, Outcomes.Rejected(job, task, name, command.CommandId, $"assignedBy must be at most {MaxUserLength} characters without control characters", now));
        if (task.Assignee == command.Assignee)
            return CommandLog.Remember(job, Outcomes.Accepted(job, task, name, command.CommandId) with { Duplicate = true });

        Hold(job, task, command.Assignee, command.AssignedBy, command.CommandId, now, "Assigned");
        return CommandLog.Remember(job, Outcomes.Accepted(job, task, name, command.CommandId));
    }

    /// <summary>The holder gives the task back; nobody else may release it (an operator assigns it instead).</summary>
    public static CommandOutcome Release(Job job, ReleaseTask command, DateTimeOffset now)
    {
        const string name = nameof(ReleaseTask);
        if (Check(job, command.TaskId, command.User, "user", name, command.CommandId, now, out var task) is { } problem)
            return problem;
        if (task.Assignee is not { } holder)
            return CommandLog.Remember(job, Outcomes.Rejected(job, task, name, command.CommandId, $"task '{task.TaskId}' is not claimed or assigned: nothing to release", now));
        if (holder != command.User)
            return CommandLog.Remember(job, Outcomes.Rejected(job, task, name, command.CommandId, $"task '{task.TaskId}' is held by '{holder}': only '{holder}' may release it (assign it to hand it over)", now));

        job.Changes.Touch(task);
        task.Assignee = null;
        task.AssignedBy = null;
        task.AssignedAt = null;
        Record(job, task, command.CommandId, now, "Released", holder, null, command.User);
        return CommandLog.Remember(job, Outcomes.Accepted(job, task, name, command.CommandId));
    }

    /// <summary>
    /// Whether <paramref name="owner"/> may finish the task: anyone when nobody holds it, else only its holder.
    /// Null when allowed, else the reason.
    /// </summary>
    public static string? CheckHolder(JobTask task, string? owner)
    {
        ArgumentNullException.ThrowIfNull(task);
        return task.Kind == TaskKind.Manual && task.Assignee is { } holder && owner != holder
            ? $"task '{task.TaskId}' is held by '{holder}': only '{holder}' may finish it, not {(owner is null ? "a caller who gave no owner" : $"'{owner}'")}"
            : null;
    }

    static CommandOutcome? Check(Job job, string taskId, string user, string field, string name, Guid? commandId, DateTimeOffset now, out JobTask task)
    {
        task = null!;
        if (CommandLog.Repeat(job, commandId, name) is { } repeat)
            return repeat;
        if (JobRules.IsFinished(job.Status))
            return CommandLog.Remember(job, Outcomes.NotApplied(job, null, name, commandId, CommandStatus.Aborted, $"job {job.CorrelationId} is {job.Status}: its tasks do not change", now));
        if (job.FindTask(taskId) is not { } found)
            return CommandLog.Remember(job, TaskControlRules.UnknownTask(job, name, commandId, taskId, now));

        task = found;
        if (string.IsNullOrWhiteSpace(user) || user.Length > MaxUserLength || user.Any(char.IsControl))
            return CommandLog.Remember(job, Outcomes.Rejected(job, task, name, commandId, $"{field} must be 1 to {MaxUserLength} characters without control characters", now));
        if (task.Kind != TaskKind.Manual)
            return CommandLog.Remember(job, Outcomes.Rejected(job, task, name, commandId, $"task '{task.TaskId}' is a {task.Kind.ToString().ToLowerInvariant()} task: only manual tasks are claimed, assigned or released", now));
        if (task.Status != TaskRunStatus.Running)
            return CommandLog.Remember(job, Outcomes.Rejected(job, task, name, commandId, $"task '{task.TaskId}' is {task.Status}: only a Running manual task (waiting for a person) is claimed, assigned or released", now));
        return null;
    }

    static void Hold(Job job, JobTask task, string user, string? by, Guid? commandId, DateTimeOffset now, string change)
    {
        var previous = task.Assignee;
        job.Changes.Touch(task);
        task.Assignee = user;
        task.AssignedBy = by;
        task.AssignedAt = now;
        Record(job, task, commandId, now, change, previous, user, by);
    }

    /// <summary>Writes the change to the history (as TaskClaimed, TaskAssigned, TaskReleased) and tells the watchers.</summary>
    static void Record(Job job, JobTask task, Guid? commandId, DateTimeOffset now, string change, string? from, string? to, string? by)
    {
        var kind = "Task" + change;
        JobEvents.PublishToWatchers(job, new TaskAssigneeChanged
        {
            JobId = job.CorrelationId,
            TaskId = task.TaskId,
            AttemptId = task.AttemptId,
            Change = change,
            From = from,
            To = to,
            By = by,
            At = now,
        });
        job.HistoryCount++;
        job.Changes.History.Add(new JobHistoryEntry
        {
            JobId = job.CorrelationId,
            Sequence = job.HistoryCount,
            At = now,
            Kind = kind,
            TaskId = task.TaskId,
            AttemptId = task.AttemptId,
            CommandId = commandId,
            // The history's from/to columns hold 64 characters, a user name up to 255: a longer one is told in the detail.
            From = from is { Length: > HistoryNameLength } ? null : from,
            To = to is { Length: > HistoryNameLength } ? null : to,
            Detail = from is { Length: > HistoryNameLength } || to is { Length: > HistoryNameLength } ? $"from '{from}' to '{to}'" : null,
        });
        job.UpdatedAt = now;
    }
}
