using QueueFlow.Contracts;

namespace QueueFlow.Core.Adapters.Camunda;

/// <summary>
/// Camunda 8's throw error, translated onto <see cref="FailTask"/> with an <see cref="FailTask.ErrorCode"/>: the
/// rules let the task's transitions on the code (else on <c>error</c>) catch it, as a BPMN error boundary event
/// would, or fail the task for good with Camunda's incident text when none does. Answered as the completion is
/// (<see cref="CamundaCompleteJob.ToProblem"/> with command THROW_ERROR).
/// </summary>
public static class CamundaThrowError
{
    public const string Command = "THROW_ERROR";

    /// <summary>The longest error code: a transition's state is at most this long too.</summary>
    public const int MaxErrorCodeLength = 255;

    public static Translation<FailTask> ToCommand(CamundaThrowErrorRequest request, Guid jobId, string taskId, Guid attemptId, string? owner = null, Guid? commandId = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new List<AdapterError>();
        if (string.IsNullOrWhiteSpace(request.ErrorCode))
            errors.Add(new AdapterError("errorCode", "errorCode is required: the code an error transition of the task catches"));
        else if (request.ErrorCode.Length > MaxErrorCodeLength)
            errors.Add(new AdapterError("errorCode", $"errorCode is {request.ErrorCode.Length} characters, over the limit of {MaxErrorCodeLength}"));
        if (CamundaVariables.Check(request.Variables) is { } variables)
            errors.Add(variables);
        if (errors.Count > 0)
            return Translations.Invalid<FailTask>(errors);

        return Translations.Valid(new FailTask
        {
            JobId = jobId,
            TaskId = taskId,
            AttemptId = attemptId,
            ErrorCode = request.ErrorCode,
            Error = request.ErrorMessage,
            Variables = WireJson.IsAbsent(request.Variables) ? null : request.Variables,
            Owner = owner,
            CommandId = commandId,
        });
    }
}
