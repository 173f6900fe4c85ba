using QueueFlow.Contracts;
using QueueFlow.Core.Workflows;

namespace QueueFlow.Core.Jobs;

/// <summary>
/// An operator's control of a whole job: pause, resume and cancel. A finished job answers Aborted, except that
/// a Failed one may still be cancelled; an answer that changes nothing is still written to the history. A command
/// sent again with its id (an HTTP retry under one Idempotency-Key, a redelivery) gets its first answer.
/// </summary>
public sealed class JobControlRules
{
    /// <summary>
    /// Running → Paused. Attempts already running go on and their answers are applied; whatever becomes
    /// ready meanwhile is held as Scheduled (<see cref="JobEditor.Dispatch"/>). Pausing a paused job is a duplicate.
    /// </summary>
    public CommandOutcome Pause(Job job, WorkflowDefinition definition, PauseJob command, DateTimeOffset now)
    {
        const string name = nameof(PauseJob);
        if (CommandLog.Repeat(job, command.CommandId, name) is { } repeat)
            return repeat;
        if (Finished(job, name, command.CommandId, now) is { } finished)
            return CommandLog.Remember(job, finished);
        if (job.Status == JobStatus.Paused)
            return CommandLog.Remember(job, Outcomes.Accepted(job, null, name, command.CommandId) with { Duplicate = true });

        new JobEditor(job, definition, now, command.CommandId).SetJobStatus(JobStatus.Paused, Reason(command.Reason));
        return CommandLog.Remember(job, Outcomes.Accepted(job, null, name, command.CommandId));
    }

    /// <summary>
    /// Paused → Running, then every task held while paused is dispatched: those Scheduled with no start
    /// time still ahead. A task scheduled for later (a retry's backoff) is left to its timer.
    /// </summary>
    public CommandOutcome Resume(Job job, WorkflowDefinition definition, ResumeJob command, DateTimeOffset now)
    {
        const string name = nameof(ResumeJob);
        if (CommandLog.Repeat(job, command.CommandId, name) is { } repeat)
            return repeat;
        if (Finished(job, name, command.CommandId, now) is { } finished)
            return CommandLog.Remember(job, finished);
        if (job.Status != JobStatus.Paused)
            return CommandLog.Remember(job, Outcomes.NotApplied(job, null, name, command.CommandId, CommandStatus.Rejected, $"job {job.CorrelationId} is not paused", now));

        var editor = new JobEditor(job, definition, now, command.CommandId);
        editor.SetJobStatus(JobStatus.Running, "resumed");

        // Dispatching can end the job (an input that cannot be resolved fails a task, and maybe the job): stop then.
        foreach (var task in job.Tasks.Where(t => t.Status == TaskRunStatus.Scheduled && !(t.ScheduledAt > now)).ToList())
        {
            if (job.Status != JobStatus.Running)
                break;
            if (task.Status == TaskRunStatus.Scheduled)
                editor.Dispatch(task);
        }

        return CommandLog.Remember(job, Outcomes.Accepted(job, null, name, command.CommandId));
    }

    /// <summary>
    /// Any job that is not Completed or Cancelled ends as Cancelled, with its open tasks, their attempts and timers.
    /// A Failed job may be cancelled too: it could still be retried (<see cref="TaskControlRules"/>), and
    /// cancelling is how an operator gives up on it for good.
    /// </summary>
    public CommandOutcome Cancel(Job job, WorkflowDefinition definition, CancelJob command, DateTimeOffset now)
    {
        const string name = nameof(CancelJob);
        if (CommandLog.Repeat(job, command.CommandId, name) is { } repeat)
            return repeat;
        if (job.Status != JobStatus.Failed && Finished(job, name, command.CommandId, now) is { } finished)
            return CommandLog.Remember(job, finished);

        new JobEditor(job, definition, now, command.CommandId).CancelJob(Reason(command.Reason) ?? "cancelled");
        return CommandLog.Remember(job, Outcomes.Accepted(job, null, name, command.CommandId));
    }

    static CommandOutcome? Finished(Job job, string command, Guid? commandId, DateTimeOffset now) =>
        JobRules.IsFinished(job.Status)
            ? Outcomes.NotApplied(job, null, command, commandId, CommandStatus.Aborted, $"job {job.CorrelationId} is {job.Status}: a finished job does not change", now)
            : null;

    static string? Reason(string? reason) => string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
}
