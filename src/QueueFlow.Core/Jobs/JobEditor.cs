using System.Text.Json;
using MassTransit;
using QueueFlow.Contracts;
using QueueFlow.Core.Scheduling;
using QueueFlow.Core.Workflows;

namespace QueueFlow.Core.Jobs;

/// <summary>
/// Makes every change to one job for one command: each change is recorded in the history and
/// announced by a message, so the job row, its history and what it sends always agree.
/// </summary>
internal sealed class JobEditor(Job job, WorkflowDefinition definition, DateTimeOffset now, Guid? commandId)
{
    public Job Job => job;
    public DateTimeOffset Now => now;

    /// <summary>Tasks that become ready before this time are scheduled for it instead of dispatched (a job's scheduled start).</summary>
    public DateTimeOffset? StartNotBefore { get; set; }

    public void Record(string kind, string? taskId = null, Guid? attemptId = null, string? from = null, string? to = null, string? detail = null)
    {
        job.HistoryCount++;
        job.Changes.History.Add(new JobHistoryEntry
        {
            JobId = job.CorrelationId,
            Sequence = job.HistoryCount,
            At = now,
            Kind = kind,
            TaskId = taskId,
            AttemptId = attemptId,
            CommandId = commandId,
            From = from,
            To = to,
            Detail = detail,
        });
        job.UpdatedAt = now;
    }

    public void Publish(object message) => JobEvents.Publish(job, message);

    /// <summary>Asks for <paramref name="message"/> to come back to the saga at <paramref name="dueAt"/>.</summary>
    public void ScheduleTimer(string key, DateTimeOffset dueAt, object message) => job.Changes.Timers.Add(TimerChange.Set(key, dueAt, message));

    /// <param name="message">What the timer would have sent, for the record.</param>
    public void CancelTimer(string key, object message) => job.Changes.Timers.Add(TimerChange.Cancel(key, message));

    /// <summary>Marks a task the caller changed (or is about to) as part of this command's change set.</summary>
    public void Touch(JobTask task) => job.Changes.Touch(task);

    public void SetTaskStatus(JobTask task, TaskRunStatus to, string? reason = null)
    {
        Touch(task);
        var from = task.Status;

        // Leaving Scheduled any other way than by its own timer: that timer must not start an attempt later.
        if (from == TaskRunStatus.Scheduled && to != TaskRunStatus.Scheduled && task.ScheduledAt > now)
        {
            CancelTimer(TimerKeys.ScheduledStart(job.CorrelationId, task.TaskId), new StartScheduledTask { JobId = job.CorrelationId, TaskId = task.TaskId, Attempt = task.Attempt + 1 });
            task.ScheduledAt = null;
        }

        task.Status = to;
        Record("Task" + to, task.TaskId, task.AttemptId, from.ToString(), to.ToString(), reason);
        PublishToWatchers(new TaskStateChanged
        {
            JobId = job.CorrelationId,
            TaskId = task.TaskId,
            AttemptId = task.AttemptId,
            From = from,
            To = to,
            FinishState = to == TaskRunStatus.Completed ? task.FinishState : null,
            Reason = reason,
            At = now,
        });
    }

    /// <summary>Opens a new attempt of <paramref name="task"/> and sends it to its queue (manual tasks just wait).</summary>
    public void Dispatch(JobTask task)
    {
        // A paused job runs nothing new: the task waits as Scheduled, with no timer, for ResumeJob to dispatch it.
        if (job.Status == JobStatus.Paused)
        {
            Hold(task);
            return;
        }

        Touch(task);
        var taskDefinition = definition.TasksById[task.TaskId];
        var variables = JsonObjects.Parse(job.Variables);
        var (input, error) = InputTemplate.Resolve(taskDefinition.Input, variables, id => job.FindTask(id) is { Status: TaskRunStatus.Completed } t ? JsonObjects.Parse(t.Output) : null);
        if (error is not null)
        {
            FailTask(task, error);
            return;
        }

        // Started early (a forced or proposed Running): the start timer must not open another attempt later.
        if (task.ScheduledAt > now)
            CancelTimer(TimerKeys.ScheduledStart(job.CorrelationId, task.TaskId), new StartScheduledTask { JobId = job.CorrelationId, TaskId = task.TaskId, Attempt = task.Attempt + 1 });
        task.ScheduledAt = null;
        task.Attempt++;
        task.AttemptId = NewId.NextGuid();
        task.JobKey = JobKeys.For(task.AttemptId.Value);
        task.TaskRunId = TaskRunIds.For(job.CorrelationId, task.TaskId, task.Iteration);
        task.Input = input?.ToJsonString() ?? "{}";
        task.StartedAt ??= now;
        task.Deadline = taskDefinition.Timeout is { } timeout ? now + timeout : null;
        task.Error = null;
        task.EndedAt = null;
        task.FinishState = null;
        task.Attempts.Add(new TaskAttempt { Id = task.AttemptId.Value, Number = task.Attempt, JobKey = task.JobKey, Iteration = task.Iteration, StartedAt = now });
        SetTaskStatus(task, TaskRunStatus.Running);
        StartAttemptTimers(task, taskDefinition);
        if (task.Kind == TaskKind.Workflow)
        {
            ChildJobs.Start(this, task, taskDefinition);
            return;
        }

        if (task.Kind != TaskKind.Worker || task.Queue is null)
            return;

        job.Changes.Messages.Add(new OutgoingMessage(
            new RunTask
            {
                JobId = job.CorrelationId,
                TaskId = task.TaskId,
                AttemptId = task.AttemptId.Value,
                Attempt = task.Attempt,
                JobKey = task.JobKey.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                TaskRunId = task.TaskRunId.Value,
                Workflow = job.Workflow,
                Queue = task.Queue,
                Input = JsonDocument.Parse(task.Input).RootElement.Clone(),
                Deadline = task.Deadline,
                DispatchedAt = now,
            },
            new MessageDestination.Worker(task.Queue),
            NewId.NextGuid()));
    }

    void Hold(JobTask task)
    {
        // A task already Scheduled keeps its status and any start time (its timer answers Wait while paused).
        if (task.Status != TaskRunStatus.Scheduled)
            SetTaskStatus(task, TaskRunStatus.Scheduled, "the job is paused: the task starts when it resumes");
    }

    void StartAttemptTimers(JobTask task, TaskDefinition taskDefinition)
    {
        var attemptId = task.AttemptId!.Value;
        if (task.Deadline is { } deadline)
        {
            ScheduleTimer(TimerKeys.StartToClose(job.CorrelationId, task.TaskId, attemptId), deadline,
                new TimeOutTaskAttempt { JobId = job.CorrelationId, TaskId = task.TaskId, AttemptId = attemptId, Timeout = TimeoutKinds.StartToClose });
        }

        if (taskDefinition.HeartbeatTimeout is { } heartbeat)
            ScheduleHeartbeatTimeout(task, attemptId, now + heartbeat);
    }

    public void ScheduleHeartbeatTimeout(JobTask task, Guid attemptId, DateTimeOffset dueAt) =>
        ScheduleTimer(TimerKeys.Heartbeat(job.CorrelationId, task.TaskId, attemptId), dueAt,
            new TimeOutTaskAttempt { JobId = job.CorrelationId, TaskId = task.TaskId, AttemptId = attemptId, Timeout = TimeoutKinds.Heartbeat });

    /// <summary>
    /// Ends the task's current attempt, if it is still running, and removes its timers: every way out of
    /// an attempt passes through here, so no timer outlives the attempt it guards.
    /// </summary>
    public void CloseAttempt(JobTask task, TaskRunStatus status, string? error = null, string? finishState = null)
    {
        if (task.AttemptId is not { } attemptId || task.FindAttempt(attemptId) is not { Status: TaskRunStatus.Running } attempt)
            return;

        Touch(task);
        attempt.Status = status;
        attempt.Error = error;
        attempt.FinishState = finishState;
        attempt.EndedAt = now;
        var timeout = new TimeOutTaskAttempt { JobId = job.CorrelationId, TaskId = task.TaskId, AttemptId = attemptId, Timeout = TimeoutKinds.StartToClose };
        if (task.Deadline is not null)
            CancelTimer(TimerKeys.StartToClose(job.CorrelationId, task.TaskId, attemptId), timeout);
        if (definition.TasksById[task.TaskId].HeartbeatTimeout is not null)
            CancelTimer(TimerKeys.Heartbeat(job.CorrelationId, task.TaskId, attemptId), timeout with { Timeout = TimeoutKinds.Heartbeat });

        // Completed and Failed come from the child itself; any other end leaves a child that must stop.
        if (task.Kind == TaskKind.Workflow && status is not (TaskRunStatus.Completed or TaskRunStatus.Failed))
            ChildJobs.Cancel(this, task, attemptId, error ?? status.ToString());
    }

    /// <summary>
    /// Runs the task again after <paramref name="delay"/>, by default the task's own backoff: a timer dispatches the
    /// next attempt then, or with no delay it is dispatched at once.
    /// </summary>
    public void ScheduleRetry(JobTask task, string reason, TimeSpan? delay = null)
    {
        var taskDefinition = definition.TasksById[task.TaskId];
        var wait = delay ?? RetryBackoff.Delay(taskDefinition, task.Attempt, task.AttemptId ?? Guid.Empty);
        if (wait <= TimeSpan.Zero)
        {
            SetTaskStatus(task, TaskRunStatus.Scheduled, reason);
            Dispatch(task);
            return;
        }

        ScheduleStart(task, now + wait, $"{reason}; retry at {now + wait:O}");
    }

    /// <summary>Holds a ready task as Scheduled until <paramref name="at"/>, when a timer dispatches its next attempt.</summary>
    public void ScheduleStart(JobTask task, DateTimeOffset at, string reason)
    {
        // Timers keep milliseconds; the task shows the time its timer will actually fire.
        at = at.AddTicks(-(at.Ticks % TimeSpan.TicksPerMillisecond));
        Touch(task);
        task.ScheduledAt = at;
        SetTaskStatus(task, TaskRunStatus.Scheduled, reason);
        ScheduleTimer(TimerKeys.ScheduledStart(job.CorrelationId, task.TaskId), at,
            new StartScheduledTask { JobId = job.CorrelationId, TaskId = task.TaskId, Attempt = task.Attempt + 1 });
    }

    /// <summary>
    /// Follows the transitions out of a finished task (or workflow_start) and starts whatever became
    /// ready. A join waits until each incoming branch has arrived or can no longer arrive; a task none
    /// of whose incoming transitions was taken is Skipped, and the skip flows on (dead-path elimination).
    /// </summary>
    public void Advance(string fromId, string finishState)
    {
        var outgoing = definition.Outgoing[fromId].ToList();
        var taken = outgoing.Where(e => e.State == finishState).ToList();
        if (fromId != WorkflowDefinition.Start && taken.Count == 0)
        {
            FailJob(fromId, $"No available transitions found from completed task(s): '{fromId}' finished with '{finishState}'");
            return;
        }

        // A task that loops back will finish again, so the forward transitions it did not take now are not dead yet.
        var loops = taken.Where(definition.IsLoop).ToList();
        foreach (var loop in loops)
            Loop(loop);

        var targets = loops.Count > 0 ? taken.Where(e => !definition.IsLoop(e)) : definition.ForwardOutgoing[fromId];
        foreach (var target in targets.Select(e => e.To).Distinct(StringComparer.Ordinal))
            Evaluate(target);
    }

    /// <summary>
    /// Runs the loop's body again as a new iteration: every task on a forward path from the loop's target
    /// to its source goes back to Pending (its attempts stay, as the iteration's record) and the target
    /// is dispatched. Past the definition's maximum the job fails instead.
    /// </summary>
    void Loop(TransitionDefinition loop)
    {
        if (job.Status is not (JobStatus.Running or JobStatus.Paused))
            return;

        var target = job.FindTask(loop.To)!;
        var iteration = target.Iteration + 1;
        if (iteration >= definition.MaxIterations)
        {
            FailJob(loop.To, $"task '{loop.To}' reached the workflow's maximum of {definition.MaxIterations} iterations (loop '{loop.From}' -> '{loop.To}' on '{loop.State}')");
            return;
        }

        foreach (var id in definition.LoopBody(loop))
        {
            var task = job.FindTask(id)!;
            Touch(task);
            task.Iteration = iteration;
            task.TaskRunId = TaskRunIds.For(job.CorrelationId, task.TaskId, iteration);
            task.FinishState = null;
            task.EndedAt = null;
            task.Error = null;
            if (task.Status != TaskRunStatus.Pending)
                SetTaskStatus(task, TaskRunStatus.Pending, $"iteration {iteration + 1}: loop '{loop.From}' -> '{loop.To}'");
        }

        Dispatch(target);
    }

    void Evaluate(string id)
    {
        if (job.Status is not (JobStatus.Running or JobStatus.Paused))
            return;

        var incoming = definition.ForwardIncoming[id].ToList();
        if (!incoming.All(e => IsSettled(e.From)))
            return;

        var arrived = incoming.Any(IsTaken);
        if (id == WorkflowDefinition.End)
        {
            if (arrived)
                CompleteJob();
            else
                FailJob("job", "No available transitions found from completed task(s): no branch reached workflow_end");
            return;
        }

        var task = job.FindTask(id)!;
        if (task.Status != TaskRunStatus.Pending)
            return;

        if (arrived)
        {
            if (StartNotBefore > now)
                ScheduleStart(task, StartNotBefore.Value, "the job is scheduled to start later");
            else
                Dispatch(task);
            return;
        }

        Touch(task);
        task.EndedAt = now;
        SetTaskStatus(task, TaskRunStatus.Skipped, "no incoming transition was taken");
        foreach (var next in definition.ForwardOutgoing[id].Select(e => e.To).Distinct(StringComparer.Ordinal))
            Evaluate(next);
    }

    bool IsSettled(string id) =>
        id == WorkflowDefinition.Start || job.FindTask(id) is { Status: TaskRunStatus.Completed or TaskRunStatus.Skipped or TaskRunStatus.Failed or TaskRunStatus.Cancelled or TaskRunStatus.TimedOut };

    // A failed or timed-out task's transitions count when its failure policy gave it a finish state.
    bool IsTaken(TransitionDefinition edge) =>
        edge.From == WorkflowDefinition.Start
            ? edge.State == TransitionDefinition.Success
            : job.FindTask(edge.From) is { Status: TaskRunStatus.Completed or TaskRunStatus.Failed or TaskRunStatus.TimedOut } from && from.FinishState == edge.State;

    /// <summary>
    /// Fails a task for good and applies its failure policy: fail the job, follow its <c>error</c>
    /// transitions, or carry on as if it succeeded with the failure kept in the job's errors.
    /// </summary>
    public void FailTask(JobTask task, string error, string? reason = null, TaskRunStatus status = TaskRunStatus.Failed)
    {
        Touch(task);
        task.Error = error;
        task.EndedAt = now;
        var policy = definition.TasksById[task.TaskId].OnFailure;
        task.FinishState = policy switch
        {
            FailurePolicy.ErrorTransition => FinishStates.Error,
            FailurePolicy.Continue => TransitionDefinition.Success,
            _ => null,
        };
        SetTaskStatus(task, status, reason ?? error);
        if (policy == FailurePolicy.FailJob)
        {
            FailJob(task.TaskId, error);
            return;
        }

        if (policy == FailurePolicy.Continue)
            job.Errors.Add(new JobError(task.TaskId, error, now));
        Advance(task.TaskId, task.FinishState!);
    }

    public void SetJobStatus(JobStatus to, string? reason = null)
    {
        var from = job.Status;
        job.Status = to;
        Record("Job" + to, from: from.ToString(), to: to.ToString(), detail: reason);
        PublishToWatchers(new JobStateChanged { JobId = job.CorrelationId, Workflow = job.Workflow, From = from, To = to, Reason = reason, At = now });
    }

    void PublishToWatchers(object message) => JobEvents.PublishToWatchers(job, message);

    // Normally nothing is open here; a forced completion can reach workflow_end past a running task.
    void CompleteJob()
    {
        job.EndedAt = now;
        StopOpenTasks("the job completed");
        SetJobStatus(JobStatus.Completed);
        Publish(new JobCompleted { JobId = job.CorrelationId, Workflow = job.Workflow, Variables = JsonDocument.Parse(job.Variables).RootElement.Clone(), At = now });
        ChildJobs.ReportCompleted(this);
    }

    /// <summary>Fails the job and cancels whatever is still running, so late answers are told to stop.</summary>
    public void FailJob(string taskId, string message)
    {
        job.Errors.Add(new JobError(taskId, message, now));
        StopOpenTasks("the job failed");
        job.EndedAt = now;
        SetJobStatus(JobStatus.Failed, message);
        Publish(new JobFailed { JobId = job.CorrelationId, Workflow = job.Workflow, Errors = [.. job.Errors], At = now });
        ChildJobs.ReportFailed(this, $"child job {job.CorrelationId} failed: {message}", terminal: false);
    }

    /// <summary>
    /// A Failed job runs again: Running, its deadline timer set again while the deadline is still ahead, and every
    /// task the failure cancelled (those running or waiting when it failed) dispatched as a new attempt, as
    /// Cognite's retry re-runs a run's cancelled tasks. Tasks in <paramref name="handled"/> are left to the caller.
    /// </summary>
    public void Revive(string reason, IReadOnlySet<string> handled)
    {
        job.EndedAt = null;
        SetJobStatus(JobStatus.Running, reason);
        if (definition.Deadline is { } deadline && job.CreatedAt + deadline > now)
            ScheduleTimer(TimerKeys.Deadline(job.CorrelationId), job.CreatedAt + deadline, new ExpireJob { JobId = job.CorrelationId });

        foreach (var task in job.Tasks.Where(t => t.Status == TaskRunStatus.Cancelled && !handled.Contains(t.TaskId)).ToList())
        {
            if (job.Status != JobStatus.Running)
                break;
            Touch(task);
            task.Error = null;
            SetTaskStatus(task, TaskRunStatus.Scheduled, reason);
            Dispatch(task);
        }
    }

    /// <summary>
    /// Puts a task that has run back to Pending as a new iteration: its current attempt and timers end, its
    /// attempts stay as the record, and a manual task loses its assignee.
    /// </summary>
    public void Reset(JobTask task, string reason)
    {
        if (task.Status == TaskRunStatus.Pending)
            return;

        Touch(task);
        CloseAttempt(task, TaskRunStatus.Cancelled, reason);
        task.Iteration++;
        task.FinishState = null;
        task.Error = null;
        task.EndedAt = null;
        task.Assignee = null;
        task.AssignedBy = null;
        task.AssignedAt = null;
        SetTaskStatus(task, TaskRunStatus.Pending, reason);
    }

    public void CancelJob(string reason)
    {
        StopOpenTasks("the job was cancelled");
        job.EndedAt = now;
        SetJobStatus(JobStatus.Cancelled, reason);
        ChildJobs.ReportFailed(this, $"child job {job.CorrelationId} was cancelled: {reason}", terminal: true);
    }

    void StopOpenTasks(string reason)
    {
        CancelDeadline();
        foreach (var task in job.Tasks.Where(t => t.Status is TaskRunStatus.Running or TaskRunStatus.Scheduled or TaskRunStatus.Paused))
        {
            if (task.Status == TaskRunStatus.Scheduled)
                CancelTimer(TimerKeys.ScheduledStart(job.CorrelationId, task.TaskId), new StartScheduledTask { JobId = job.CorrelationId, TaskId = task.TaskId, Attempt = task.Attempt + 1 });
            Touch(task);
            CloseAttempt(task, TaskRunStatus.Cancelled, reason);
            task.EndedAt = now;
            SetTaskStatus(task, TaskRunStatus.Cancelled, reason);
        }
    }

    void CancelDeadline()
    {
        if (definition.Deadline is not null)
            CancelTimer(TimerKeys.Deadline(job.CorrelationId), new ExpireJob { JobId = job.CorrelationId });
    }
}
