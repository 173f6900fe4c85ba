using System.Text.Json;
using MassTransit;
using QueueFlow.Contracts;
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

    public void Record(string kind, string? taskId = null, Guid? attemptId = null, string? from = null, string? to = null, string? detail = null)
    {
        job.HistoryCount++;
        job.PendingHistory.Add(new JobHistoryEntry
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

    public void Publish(object message) => job.PendingMessages.Add(new OutgoingMessage(message, null, null, NewId.NextGuid()));

    public void SetTaskStatus(JobTask task, TaskRunStatus to, string? reason = null)
    {
        var from = task.Status;
        task.Status = to;
        Record("Task" + to, task.TaskId, task.AttemptId, from.ToString(), to.ToString(), reason);
        Publish(new TaskStateChanged
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
        var taskDefinition = definition.TasksById[task.TaskId];
        var variables = JsonObjects.Parse(job.Variables);
        var (input, error) = InputTemplate.Resolve(taskDefinition.Input, variables, id => job.FindTask(id) is { Status: TaskRunStatus.Completed } t ? JsonObjects.Parse(t.Output) : null);
        if (error is not null)
        {
            FailTask(task, error);
            return;
        }

        task.Attempt++;
        task.AttemptId = NewId.NextGuid();
        task.Input = input?.ToJsonString() ?? "{}";
        task.StartedAt ??= now;
        task.Deadline = taskDefinition.Timeout is { } timeout ? now + timeout : null;
        task.Error = null;
        task.EndedAt = null;
        task.FinishState = null;
        task.Attempts.Add(new TaskAttempt { Id = task.AttemptId.Value, Number = task.Attempt, Iteration = task.Iteration, StartedAt = now });
        SetTaskStatus(task, TaskRunStatus.Running);
        if (task.Kind != TaskKind.Worker || task.Queue is null)
            return;

        job.PendingMessages.Add(new OutgoingMessage(
            new RunTask
            {
                JobId = job.CorrelationId,
                TaskId = task.TaskId,
                AttemptId = task.AttemptId.Value,
                Attempt = task.Attempt,
                Workflow = job.Workflow,
                Queue = task.Queue,
                Input = JsonDocument.Parse(task.Input).RootElement.Clone(),
                Deadline = task.Deadline,
                DispatchedAt = now,
            },
            new Uri($"queue:{task.Queue}"),
            null,
            NewId.NextGuid()));
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
            task.Iteration = iteration;
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
            Dispatch(task);
            return;
        }

        task.EndedAt = now;
        SetTaskStatus(task, TaskRunStatus.Skipped, "no incoming transition was taken");
        foreach (var next in definition.ForwardOutgoing[id].Select(e => e.To).Distinct(StringComparer.Ordinal))
            Evaluate(next);
    }

    bool IsSettled(string id) =>
        id == WorkflowDefinition.Start || job.FindTask(id) is { Status: TaskRunStatus.Completed or TaskRunStatus.Skipped or TaskRunStatus.Failed or TaskRunStatus.Cancelled or TaskRunStatus.TimedOut };

    bool IsTaken(TransitionDefinition edge) =>
        edge.From == WorkflowDefinition.Start
            ? edge.State == TransitionDefinition.Success
            : job.FindTask(edge.From) is { Status: TaskRunStatus.Completed or TaskRunStatus.Failed } from && from.FinishState == edge.State;

    /// <summary>
    /// Fails a task for good and applies its failure policy: fail the job, follow its <c>error</c>
    /// transitions, or carry on as if it succeeded with the failure kept in the job's errors.
    /// </summary>
    public void FailTask(JobTask task, string error, string? reason = null)
    {
        task.Error = error;
        task.EndedAt = now;
        var policy = definition.TasksById[task.TaskId].OnFailure;
        task.FinishState = policy switch
        {
            FailurePolicy.ErrorTransition => FinishStates.Error,
            FailurePolicy.Continue => TransitionDefinition.Success,
            _ => null,
        };
        SetTaskStatus(task, TaskRunStatus.Failed, reason ?? error);
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
        Publish(new JobStateChanged { JobId = job.CorrelationId, Workflow = job.Workflow, From = from, To = to, Reason = reason, At = now });
    }

    void CompleteJob()
    {
        job.EndedAt = now;
        SetJobStatus(JobStatus.Completed);
        Publish(new JobCompleted { JobId = job.CorrelationId, Workflow = job.Workflow, Variables = JsonDocument.Parse(job.Variables).RootElement.Clone(), At = now });
    }

    /// <summary>Fails the job and cancels whatever is still running, so late answers are told to stop.</summary>
    public void FailJob(string taskId, string message)
    {
        job.Errors.Add(new JobError(taskId, message, now));
        foreach (var task in job.Tasks.Where(t => t.Status is TaskRunStatus.Running or TaskRunStatus.Scheduled or TaskRunStatus.Paused))
        {
            task.EndedAt = now;
            SetTaskStatus(task, TaskRunStatus.Cancelled, "the job failed");
        }

        job.EndedAt = now;
        SetJobStatus(JobStatus.Failed, message);
        Publish(new JobFailed { JobId = job.CorrelationId, Workflow = job.Workflow, Errors = [.. job.Errors], At = now });
    }
}
