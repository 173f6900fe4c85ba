using System.Text.Json;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;

namespace QueueFlow.Core.Adapters.Camunda;

/// <summary>
/// Camunda 8's fail job, translated onto <see cref="FailTask"/>: the worker says how many retries are left and how
/// long to back off, as Camunda lets it. <c>retries</c> 0 (Camunda's default) is Camunda's incident: the task fails
/// for good and its failure policy applies; more retries it after <c>retryBackOff</c> milliseconds (default 0).
/// Answered as the completion is (<see cref="CamundaCompleteJob.ToProblem"/> with command FAIL).
/// </summary>
public static class CamundaFailJob
{
    public const string Command = "FAIL";

    public static Translation<FailTask> ToCommand(CamundaFailJobRequest request, Guid jobId, string taskId, Guid attemptId, string? owner = null, Guid? commandId = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new List<AdapterError>();
        if (request.Retries < 0)
            errors.Add(new AdapterError("retries", $"retries must be 0 or more, not {request.Retries}"));
        if (request.RetryBackOff is < 0 or > JobRules.MaxRetryBackOffMs)
            errors.Add(new AdapterError("retryBackOff", $"retryBackOff must be 0 or more and at most {JobRules.MaxRetryBackOffMs} ms (a year), not {request.RetryBackOff}"));
        if (CamundaVariables.Check(request.Variables) is { } variables)
            errors.Add(variables);
        if (errors.Count > 0)
            return Translations.Invalid<FailTask>(errors);

        return Translations.Valid(new FailTask
        {
            JobId = jobId,
            TaskId = taskId,
            AttemptId = attemptId,
            Error = string.IsNullOrWhiteSpace(request.ErrorMessage) ? "the job failed" : request.ErrorMessage,
            RetriesLeft = request.Retries ?? 0,
            RetryBackOffMs = request.RetryBackOff ?? 0,
            Variables = WireJson.IsAbsent(request.Variables) ? null : request.Variables,
            Owner = owner,
            CommandId = commandId,
        });
    }
}
