using System.Text.Json;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;
using QueueFlow.Core.Vocabularies;
using QueueFlow.Core.Workflows;

namespace QueueFlow.Core.Adapters.Cognite;

/// <summary>Cognite's update task (async completion of a task), translated onto CompleteTask / FailTask, and a task back to Cognite's task object.</summary>
public static class CogniteUpdateTask
{
    /// <summary>Every task QueueFlow runs is work handed to a worker, which is what Cognite calls a function task.</summary>
    public const string FunctionTaskType = "function";

    static readonly string[] Allowed = [CogniteTaskStatus.Completed, CogniteTaskStatus.Failed, CogniteTaskStatus.FailedWithTerminalError];

    public static Translation<CogniteTaskCommand> ToCommand(CogniteTaskUpdateRequest request, Guid jobId, string taskId, Guid attemptId, string? owner = null, Guid? commandId = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new List<AdapterError>();
        // Cognite's API takes the upper-case words only; its Python SDK upper-cases "completed" before sending.
        if (string.IsNullOrEmpty(request.Status))
            errors.Add(new AdapterError("status", $"status is required: one of {string.Join(", ", Allowed)}"));
        else if (!Allowed.Contains(request.Status, StringComparer.Ordinal))
            errors.Add(new AdapterError("status", $"'{request.Status}' cannot be set on a task: use one of {string.Join(", ", Allowed)}"));
        if (!WireJson.IsAbsent(request.Output) && request.Output!.Value.ValueKind != JsonValueKind.Object)
            errors.Add(new AdapterError("output", $"output must be a JSON object, not {WireJson.KindName(request.Output.Value)}"));
        if (errors.Count > 0)
            return Translations.Invalid<CogniteTaskCommand>(errors);

        var output = WireJson.IsAbsent(request.Output) ? (JsonElement?)null : request.Output;
        if (request.Status == CogniteTaskStatus.Completed)
        {
            return Translations.Valid(new CogniteTaskCommand
            {
                Complete = new CompleteTask { JobId = jobId, TaskId = taskId, AttemptId = attemptId, Output = output, Owner = owner, CommandId = commandId },
            });
        }

        // FAILED is retried per the task's retries; FAILED_WITH_TERMINAL_ERROR never is. Cognite's update carries no
        // error text, so the failure is named by the status the worker chose.
        var terminal = request.Status == CogniteTaskStatus.FailedWithTerminalError;
        return Translations.Valid(new CogniteTaskCommand
        {
            Fail = new FailTask
            {
                JobId = jobId,
                TaskId = taskId,
                AttemptId = attemptId,
                Terminal = terminal,
                Error = $"the task was updated to {request.Status}",
                Output = output,
                Owner = owner,
                CommandId = commandId,
            },
        });
    }

    /// <summary>
    /// The task as Cognite's task object. With the task's <paramref name="definition"/>, a failure that still had
    /// retries left is reported FAILED_WITH_TERMINAL_ERROR, since only a terminal failure ends a task early.
    /// </summary>
    public static CogniteTask ToTask(JobTask task, TaskDefinition? definition = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        // Under the skipTask (continue) policy a failed task is given the success finish state so the job goes on.
        var carriedOn = task.Status == TaskRunStatus.Failed && task.FinishState == TransitionDefinition.Success;
        var terminal = task.Status == TaskRunStatus.Failed && definition is not null && task.Attempt <= definition.Retries;
        return new CogniteTask
        {
            Id = task.AttemptId?.ToString(),
            ExternalId = task.TaskId,
            Status = CogniteTaskStatus.From(task.Status, terminal, carriedOn),
            TaskType = FunctionTaskType,
            Input = WireJson.Parse(task.Input),
            Output = WireJson.Parse(task.Output),
            StartTime = WireJson.EpochMilliseconds(task.StartedAt),
            EndTime = WireJson.EpochMilliseconds(task.EndedAt),
            ReasonForIncompletion = task.Status is TaskRunStatus.Failed or TaskRunStatus.TimedOut or TaskRunStatus.Cancelled ? task.Error : null,
        };
    }
}
