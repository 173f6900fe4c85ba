using System.Text.Json;
using QueueFlow.Contracts;
using QueueFlow.Core.Scheduling;
using QueueFlow.Core.Workflows;

namespace QueueFlow.Core.Jobs;

/// <summary>
/// The rules that apply commands to a job. Each method changes the job (through a
/// <see cref="JobEditor"/>, which records history and queues messages) and returns the outcome the
/// sender is answered with. Nothing here knows about the broker or the database.
/// </summary>
public sealed class JobRules(JobRulesOptions options)
{
    public const int MaxOwnerLength = 255;

    public static bool IsFinished(JobStatus status) => status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled;

    public CommandOutcome Start(Job job, WorkflowDefinition definition, StartJob command, DateTimeOffset now)
    {
        if (CheckObject(command.Variables, "variables") is { } invalid)
            return Outcomes.Rejected(job, command.JobId, null, nameof(StartJob), command.CommandId, invalid);

        if (command.Owner is { Length: > MaxOwnerLength })
            return Outcomes.Rejected(job, command.JobId, null, nameof(StartJob), command.CommandId, $"owner is longer than {MaxOwnerLength} characters");
        if (command.Parent is { TaskId.Length: > WorkflowParser.MaxIdLength })
            return Outcomes.Rejected(job, command.JobId, null, nameof(StartJob), command.CommandId, $"parent.taskId is longer than {WorkflowParser.MaxIdLength} characters: no task has such an id");

        job.CorrelationId = command.JobId;
        job.Workflow = definition.Name;
        job.WorkflowVersion = definition.Version ?? 1;
        job.Status = JobStatus.Running;
        job.Owner = command.Owner;
        job.ParentJobId = command.Parent?.JobId;
        job.ParentTaskId = command.Parent?.TaskId;
        job.ParentAttemptId = command.Parent?.AttemptId;
        job.Variables = command.Variables is { ValueKind: JsonValueKind.Object } variables ? variables.GetRawText() : "{}";
        job.CreatedAt = now;
        job.UpdatedAt = now;
        job.Tasks = [.. definition.Tasks.Select(t => new JobTask
        {
            JobId = command.JobId,
            TaskId = t.Id,
            Kind = t.Kind,
            Queue = t.Queue,
            Status = TaskRunStatus.Pending,
            // Known before the first attempt, so a Prefect client can propose a state for a task still waiting.
            TaskRunId = TaskRunIds.For(command.JobId, t.Id, 0),
        })];

        var editor = new JobEditor(job, definition, now, command.CommandId) { StartNotBefore = command.ScheduledAt };
        editor.Record("JobStarted", to: nameof(JobStatus.Running), detail: $"{definition.Name} v{job.WorkflowVersion}");
        editor.Publish(new JobStateChanged { JobId = job.CorrelationId, Workflow = job.Workflow, To = JobStatus.Running, At = now });
        if (definition.Deadline is { } deadline)
            editor.ScheduleTimer(TimerKeys.Deadline(job.CorrelationId), now + deadline, new ExpireJob { JobId = job.CorrelationId });
        editor.Advance(WorkflowDefinition.Start, TransitionDefinition.Success);
        return Outcomes.Accepted(job, null, nameof(StartJob), command.CommandId);
    }

    /// <summary>Answers a StartJob for a job that already exists: the first StartJob won, this one changes nothing.</summary>
    public static CommandOutcome StartAgain(Job job, StartJob command) =>
        Outcomes.Accepted(job, null, nameof(StartJob), command.CommandId) with { Duplicate = true };

    public CommandOutcome Complete(Job job, WorkflowDefinition definition, CompleteTask command, DateTimeOffset now)
    {
        const string name = nameof(CompleteTask);
        if (FindAttempt(job, command.TaskId, command.AttemptId, name, command.CommandId, now, out var task, out var attempt) is { } problem)
            return problem;
        if (attempt.Status == TaskRunStatus.Completed)
            return Outcomes.Accepted(job, task, name, command.CommandId) with { Duplicate = true };
        if (CheckActive(job, task, attempt, name, command.CommandId, now) is { } inactive)
            return inactive;
        if (ManualTaskRules.CheckHolder(task, command.Owner) is { } notHolder)
            return Outcomes.Rejected(job, task, name, command.CommandId, notHolder, now);
        if ((FinishStates.Check(command.FinishState) ?? CheckObject(command.Output, "output") ?? CheckObject(command.Variables, "variables")) is { } invalid)
            return task.Kind == TaskKind.Workflow ? RefuseChildResult(job, definition, task, command, invalid, now) : Outcomes.Rejected(job, task, name, command.CommandId, invalid, now);

        var editor = new JobEditor(job, definition, now, command.CommandId);
        if (command.Result is { Denied: true } result)
        {
            var reason = string.IsNullOrWhiteSpace(result.DeniedReason) ? "the completion was denied" : $"the completion was denied: {result.DeniedReason}";
            editor.Record("CompletionDenied", task.TaskId, attempt.Id, detail: reason);
            return Outcomes.Of(job, task, name, command.CommandId, CommandStatus.Rejected, reason);
        }

        editor.Touch(task);
        if (command.Output is { ValueKind: JsonValueKind.Object } output)
            task.Output = JsonObjects.Merge(task.Output, output);
        if (command.Variables is { ValueKind: JsonValueKind.Object } variables)
            job.Variables = JsonObjects.Merge(job.Variables, variables);

        var finishState = string.IsNullOrWhiteSpace(command.FinishState) ? TransitionDefinition.Success : command.FinishState;
        attempt.Owner = command.Owner;
        editor.CloseAttempt(task, TaskRunStatus.Completed, finishState: finishState);
        task.FinishState = finishState;
        task.EndedAt = now;
        editor.SetTaskStatus(task, TaskRunStatus.Completed);
        editor.Advance(task.TaskId, finishState);
        return Outcomes.Accepted(job, task, name, command.CommandId);
    }

    /// <summary>
    /// A child job cannot send a smaller or different result, so a result the rules refuse (its variables over the
    /// output limit) fails the workflow task for good, under its failure policy, instead of leaving it waiting.
    /// </summary>
    static CommandOutcome RefuseChildResult(Job job, WorkflowDefinition definition, JobTask task, CompleteTask command, string invalid, DateTimeOffset now)
    {
        var error = $"the result of child job {command.AttemptId} was refused: {invalid}";
        var editor = new JobEditor(job, definition, now, command.CommandId);
        editor.CloseAttempt(task, TaskRunStatus.Failed, error);
        editor.FailTask(task, error);
        return Outcomes.Of(job, task, nameof(CompleteTask), command.CommandId, CommandStatus.Rejected, invalid);
    }

    public CommandOutcome Fail(Job job, WorkflowDefinition definition, FailTask command, DateTimeOffset now)
    {
        const string name = nameof(FailTask);
        if (FindAttempt(job, command.TaskId, command.AttemptId, name, command.CommandId, now, out var task, out var attempt) is { } problem)
            return problem;
        // A caught error ended its attempt as Completed (below); its repeat is the same duplicate as a failure's.
        if (attempt.Status == TaskRunStatus.Failed || (IsThrown(command) && attempt.Status == TaskRunStatus.Completed && attempt.Id == task.AttemptId))
            return Outcomes.Accepted(job, task, name, command.CommandId) with { Duplicate = true };
        if (CheckActive(job, task, attempt, name, command.CommandId, now) is { } inactive)
            return inactive;
        if (ManualTaskRules.CheckHolder(task, command.Owner) is { } notHolder)
            return Outcomes.Rejected(job, task, name, command.CommandId, notHolder, now);
        if ((CheckObject(command.Output, "output") ?? CheckObject(command.Variables, "variables") ?? CheckRetry(command)) is { } invalid)
            return Outcomes.Rejected(job, task, name, command.CommandId, invalid, now);

        job.Changes.Touch(task);
        if (command.Output is { ValueKind: JsonValueKind.Object } output)
            task.Output = JsonObjects.Merge(task.Output, output);
        if (command.Variables is { ValueKind: JsonValueKind.Object } variables)
            job.Variables = JsonObjects.Merge(job.Variables, variables);

        var editor = new JobEditor(job, definition, now, command.CommandId);
        attempt.Owner = command.Owner;
        if (IsThrown(command))
            return Throw(job, definition, editor, task, command, now);

        var error = string.IsNullOrWhiteSpace(command.Error) ? "the task failed" : command.Error;
        task.Error = error;
        editor.CloseAttempt(task, TaskRunStatus.Failed, error);
        var retries = definition.TasksById[task.TaskId].Retries;
        var retry = command.RetriesLeft is { } left ? left > 0 : task.Attempt <= retries;
        if (!command.Terminal && retry)
        {
            var count = command.RetriesLeft is { } worker ? $"{worker} retries left, as the worker counts them" : $"retry {task.Attempt} of {retries}";
            var delay = command.RetryBackOffMs is { } ms ? TimeSpan.FromMilliseconds(ms) : (TimeSpan?)null;
            editor.ScheduleRetry(task, $"attempt {task.Attempt} failed, {count}: {error}", delay);
            return Outcomes.Accepted(job, task, name, command.CommandId);
        }

        var reason = command.Terminal ? $"terminal error: {error}" : command.RetriesLeft == 0 ? $"no retries left, as the worker counts them: {error}" : null;
        editor.FailTask(task, error, reason);
        return Outcomes.Accepted(job, task, name, command.CommandId);
    }

    static bool IsThrown(FailTask command) => !string.IsNullOrEmpty(command.ErrorCode);

    /// <summary>The longest retry backoff a worker may ask for: a year, far inside what a timer can hold.</summary>
    public const long MaxRetryBackOffMs = 365L * 24 * 60 * 60 * 1000;

    static string? CheckRetry(FailTask command) =>
        command.RetriesLeft < 0 ? $"retriesLeft must be 0 or more, not {command.RetriesLeft}"
        : command.RetryBackOffMs is < 0 or > MaxRetryBackOffMs ? $"retryBackOffMs must be 0 or more and at most {MaxRetryBackOffMs} (a year), not {command.RetryBackOffMs}"
        : null;

    /// <summary>
    /// A thrown business error, as a BPMN error boundary event catches one: the task's transitions on the error's
    /// code catch it, else those on <c>error</c>, and the task completes with that finish state so they are taken.
    /// Uncaught, the task fails for good under its failure policy, with Camunda's incident text; never retried.
    /// </summary>
    static CommandOutcome Throw(Job job, WorkflowDefinition definition, JobEditor editor, JobTask task, FailTask command, DateTimeOffset now)
    {
        var code = command.ErrorCode!;
        var message = string.IsNullOrWhiteSpace(command.Error) ? string.Empty : command.Error;
        var outgoing = definition.Outgoing[task.TaskId];
        var caughtBy = outgoing.Any(t => t.State == code) ? code
            : outgoing.Any(t => t.State == FinishStates.Error) ? FinishStates.Error
            : null;
        if (caughtBy is null)
        {
            var incident = $"Expected to throw an error event with the code '{code}' with message '{message}', but it was not caught. No error transition from task '{task.TaskId}' is on '{code}' or '{FinishStates.Error}'.";
            editor.CloseAttempt(task, TaskRunStatus.Failed, incident);
            editor.FailTask(task, incident, $"terminal error: {incident}");
            return Outcomes.Accepted(job, task, nameof(FailTask), command.CommandId);
        }

        var error = message.Length > 0 ? $"{code}: {message}" : code;
        task.Error = error;
        editor.CloseAttempt(task, TaskRunStatus.Completed, error, caughtBy);
        task.FinishState = caughtBy;
        task.EndedAt = now;
        editor.SetTaskStatus(task, TaskRunStatus.Completed, $"error '{code}' thrown, caught by the transitions on '{caughtBy}'");
        editor.Advance(task.TaskId, caughtBy);
        return Outcomes.Accepted(job, task, nameof(FailTask), command.CommandId);
    }

    /// <summary>Finds the task and the attempt a worker's message is about; a rejection, recorded, when either is unknown.</summary>
    internal static CommandOutcome? FindAttempt(Job job, string taskId, Guid attemptId, string command, Guid? commandId, DateTimeOffset now, out JobTask task, out TaskAttempt attempt)
    {
        task = job.FindTask(taskId)!;
        attempt = null!;
        if (task is null)
            return Outcomes.Refused(job, null, taskId, attemptId, command, commandId, CommandStatus.Rejected, $"job {job.CorrelationId} has no task '{taskId}'", now);

        attempt = task.FindAttempt(attemptId)!;
        if (attempt is null)
            return Outcomes.Refused(job, task, taskId, attemptId, command, commandId, CommandStatus.Rejected, $"task '{taskId}' has no attempt {attemptId}", now);
        return null;
    }

    /// <summary>
    /// Whether the attempt may still change the task: the job is not finished and the attempt is current. A result
    /// that comes too late (the job finished, the attempt ended) is recorded against the attempt it named.
    /// </summary>
    internal static CommandOutcome? CheckActive(Job job, JobTask task, TaskAttempt attempt, string command, Guid? commandId, DateTimeOffset now)
    {
        if (IsFinished(job.Status))
            return Outcomes.Refused(job, task, task.TaskId, attempt.Id, command, commandId, CommandStatus.Aborted, $"job {job.CorrelationId} is {job.Status}: stop working on it", now);
        if (attempt.Id != task.AttemptId || attempt.Status != TaskRunStatus.Running)
        {
            return Outcomes.Refused(job, task, task.TaskId, attempt.Id, command, commandId, CommandStatus.Rejected,
                $"stale attempt: attempt {attempt.Number} ({attempt.Id}) ended as {attempt.Status}; the current attempt is {task.Attempt} ({task.AttemptId})", now);
        }

        if (task.Status != TaskRunStatus.Running)
            return Outcomes.Rejected(job, task, command, commandId, $"task '{task.TaskId}' is {task.Status}, not Running", now);
        return null;
    }

    internal string? CheckObject(JsonElement? element, string field) => element switch
    {
        null or { ValueKind: JsonValueKind.Null } => null,
        { ValueKind: not JsonValueKind.Object } e => $"{field} must be a JSON object, not {e.ValueKind.ToString().ToLowerInvariant()}",
        { } e when JsonObjects.Utf8Size(e) > options.MaxOutputBytes => $"{field} is {JsonObjects.Utf8Size(e)} bytes, over the limit of {options.MaxOutputBytes} bytes",
        _ => null,
    };
}
