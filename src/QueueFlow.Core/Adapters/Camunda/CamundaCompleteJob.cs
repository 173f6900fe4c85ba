using System.Text.Json;
using QueueFlow.Contracts;

namespace QueueFlow.Core.Adapters.Camunda;

/// <summary>
/// Camunda 8's complete job, translated onto <see cref="CompleteTask"/>, and the saga's outcome back to the
/// answers seed 001 lists: 204, or a problem with 400, 404, 409 or 500.
/// </summary>
/// <remarks>
/// The outcome carries no machine-readable cause, so 400 and 404 are told from 409 by the rules' reason texts
/// (<see cref="RejectionReasons"/>). A stale attempt is 404: Camunda forgets a job once it is completed, failed or
/// timed out (seed 001: "the job with the given key was not found"), and each QueueFlow attempt is its own job.
/// </remarks>
public static class CamundaCompleteJob
{
    public const string InvalidArgument = "INVALID_ARGUMENT";
    public const string NotFound = "NOT_FOUND";
    public const string InvalidState = "INVALID_STATE";
    public const string InternalError = "INTERNAL_ERROR";

    public static Translation<CompleteTask> ToCommand(CamundaCompleteJobRequest request, Guid jobId, string taskId, Guid attemptId, string? owner = null, Guid? commandId = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new List<AdapterError>();
        if (!WireJson.IsAbsent(request.Variables) && request.Variables!.Value.ValueKind != JsonValueKind.Object)
            errors.Add(new AdapterError("variables", $"variables must be a JSON object, not {WireJson.KindName(request.Variables.Value)}"));

        // Refused rather than dropped: a worker that sends corrections expects them applied, and QueueFlow has no user task to apply them to.
        if (request.Result?.Corrections is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } corrections
            && !(corrections.ValueKind == JsonValueKind.Object && !corrections.EnumerateObject().Any()))
        {
            errors.Add(new AdapterError("result.corrections", "corrections apply to user tasks, which QueueFlow does not have"));
        }

        if (errors.Count > 0)
            return Translations.Invalid<CompleteTask>(errors);

        return Translations.Valid(new CompleteTask
        {
            JobId = jobId,
            TaskId = taskId,
            AttemptId = attemptId,
            Variables = WireJson.IsAbsent(request.Variables) ? null : request.Variables,
            Result = request.Result is { } result ? new CompletionResult { Denied = result.Denied, DeniedReason = result.DeniedReason } : null,
            Owner = owner,
            CommandId = commandId,
        });
    }

    public const string Command = "COMPLETE";

    /// <summary>
    /// The problem for the saga's outcome of <paramref name="command"/> (COMPLETE, FAIL, THROW_ERROR); null when it
    /// was applied (204), a duplicate included.
    /// </summary>
    public static CamundaProblem? ToProblem(CommandOutcome outcome, CamundaJobKey key, string command = Command)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var reason = outcome.Reason ?? outcome.Status.ToString();
        return outcome.Status switch
        {
            CommandStatus.Accepted => null,
            CommandStatus.Rejected when RejectionReasons.IsUnknown(reason) || RejectionReasons.IsStale(reason) => Rejected(404, NotFound, key, reason, command),
            CommandStatus.Rejected when RejectionReasons.IsInvalid(reason) => Rejected(400, InvalidArgument, key, reason, command),
            // Denied, task not running (paused); a finished job (Aborted) and a paused one (Wait) are wrong states too.
            CommandStatus.Rejected or CommandStatus.Aborted or CommandStatus.Wait => Rejected(409, InvalidState, key, reason, command),
            _ => Internal($"unexpected outcome {outcome.Status} for job with key '{key}'"),
        };
    }

    /// <summary>400 for a request the translation refused.</summary>
    public static CamundaProblem Invalid(IReadOnlyList<AdapterError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return new CamundaProblem(400, InvalidArgument, string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")));
    }

    /// <summary>400 for a job key that is not a 64-bit decimal integer; <paramref name="error"/> is <see cref="CamundaJobKey.TryParse"/>'s.</summary>
    public static CamundaProblem InvalidKey(string error) => new(400, InvalidArgument, error);

    public static CamundaProblem Internal(string detail) => new(500, InternalError, detail);

    /// <summary>404 for a key that names no current attempt; <paramref name="command"/> is COMPLETE, FAIL or THROW_ERROR.</summary>
    public static CamundaProblem KeyNotFound(CamundaJobKey key, string command = Command) =>
        new(404, NotFound,
            $"Command '{command}' rejected with code '{NotFound}': Expected to {Verb(command)} job with key '{key}', but no such job was found (it completed, timed out or failed and was retried under a new key, or never existed)");

    static string Verb(string command) => command switch
    {
        CamundaFailJob.Command => "fail",
        CamundaThrowError.Command => "throw an error for",
        _ => "complete",
    };

    static CamundaProblem Rejected(int status, string code, CamundaJobKey key, string reason, string command) =>
        new(status, code, $"Command '{command}' rejected with code '{code}' for job with key '{key}': {reason}");
}
