using System.Text.Json;
using QueueFlow.Contracts;

namespace QueueFlow.Core.Adapters.Camunda;

/// <summary>
/// Camunda 8's complete job, translated onto <see cref="CompleteTask"/>, and the saga's outcome back to the
/// answers seed 001 lists: 204, or a problem with 400, 404, 409 or 500.
/// </summary>
/// <remarks>
/// The outcome carries no machine-readable cause, so 400 and 404 are told from 409 by the rules' reason texts;
/// the unit tests run the real rules so a reworded reason fails them instead of changing a status code.
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

    /// <summary>The problem for the saga's outcome; null when the job was completed (204), a duplicate included.</summary>
    public static CamundaProblem? ToProblem(CommandOutcome outcome, CamundaJobKey key)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var reason = outcome.Reason ?? outcome.Status.ToString();
        return outcome.Status switch
        {
            CommandStatus.Accepted => null,
            CommandStatus.Rejected when IsUnknown(reason) => Rejected(404, NotFound, key, reason),
            CommandStatus.Rejected when IsInvalid(reason) => Rejected(400, InvalidArgument, key, reason),
            // Denied, stale attempt, task not running; a finished job (Aborted) and a paused one (Wait) are wrong states too.
            CommandStatus.Rejected or CommandStatus.Aborted or CommandStatus.Wait => Rejected(409, InvalidState, key, reason),
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

    static CamundaProblem Rejected(int status, string code, CamundaJobKey key, string reason) =>
        new(status, code, $"Command 'COMPLETE' rejected with code '{code}' for job with key '{key}': {reason}");

    /// <summary>The job, task or attempt a key names does not exist (see JobRules.FindAttempt and the saga's unknown-job answer).</summary>
    static bool IsUnknown(string reason) =>
        reason.StartsWith("unknown job ", StringComparison.Ordinal)
        || reason.Contains(" has no task '", StringComparison.Ordinal)
        || reason.Contains(" has no attempt ", StringComparison.Ordinal);

    /// <summary>The body broke a limit only the rules know (JobRules.CheckObject): the size limit, or a non-object.</summary>
    static bool IsInvalid(string reason) =>
        reason.Contains(" must be a JSON object", StringComparison.Ordinal)
        || reason.Contains(" bytes, over the limit of ", StringComparison.Ordinal);
}
