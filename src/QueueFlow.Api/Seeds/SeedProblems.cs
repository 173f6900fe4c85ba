using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using QueueFlow.Api.Problems;
using QueueFlow.Contracts;
using QueueFlow.Core.Adapters;

namespace QueueFlow.Api.Seeds;

/// <summary>The problem answers the seed routes share (Camunda's route words its own; see its endpoints).</summary>
public static class SeedProblems
{
    /// <summary>
    /// Like <see cref="ApiProblems.ForOutcome"/>, except that the rejections the caller can fix by changing the
    /// request are not conflicts: an unknown job, task or attempt is 404, an output over the limit or not an object 400.
    /// </summary>
    public static ProblemHttpResult ForOutcome(CommandOutcome outcome, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Status == CommandStatus.Rejected && RejectionReasons.IsUnknown(outcome.Reason))
            return ApiProblems.NotFound(outcome.Reason!);
        if (outcome.Status == CommandStatus.Rejected && RejectionReasons.IsInvalid(outcome.Reason))
            return ApiProblems.BadRequest(outcome.Reason!, new Dictionary<string, object?> { ["outcome"] = outcome.Status.ToString(), ["jobId"] = outcome.JobId });
        return ApiProblems.ForOutcome(outcome, http);
    }

    /// <summary>400 listing every reason an adapter refused the request, each with the request's own JSON path.</summary>
    public static ProblemHttpResult Invalid(IReadOnlyList<AdapterError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return ApiProblems.BadRequest(
            string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")),
            new Dictionary<string, object?> { ["errors"] = errors.Select(e => new { path = e.Field, message = e.Message }).ToList() });
    }

    /// <summary>
    /// 422 listing every reason a Prefect body was refused, each with its JSON path: Prefect answers a body its
    /// schema refuses with 422 Unprocessable Content, where QueueFlow's own routes say 400.
    /// </summary>
    public static ProblemHttpResult Unprocessable(IReadOnlyList<AdapterError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return TypedResults.Problem(
            string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")),
            statusCode: StatusCodes.Status422UnprocessableEntity, title: "Unprocessable content",
            extensions: new Dictionary<string, object?> { ["errors"] = errors.Select(e => new { path = e.Field, message = e.Message }).ToList() });
    }

    /// <summary>The same problem as 422, for a body the reader refused as 400 (malformed JSON, a wrong type).</summary>
    public static ProblemHttpResult Unprocessable(ProblemHttpResult badRequest)
    {
        ArgumentNullException.ThrowIfNull(badRequest);
        if (badRequest.StatusCode != StatusCodes.Status400BadRequest)
            return badRequest;
        var details = badRequest.ProblemDetails;
        return TypedResults.Problem(details.Detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Unprocessable content",
            extensions: details.Extensions);
    }

    /// <summary>A task that has not been dispatched has no attempt a finish could be about.</summary>
    public static ProblemHttpResult NotDispatched(string taskId, TaskRunStatus status) =>
        TypedResults.Problem($"task '{taskId}' is {status} and has not been dispatched yet: there is no attempt to finish.",
            statusCode: StatusCodes.Status409Conflict, title: "The task is not running");
}
