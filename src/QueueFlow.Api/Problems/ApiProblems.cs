using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using QueueFlow.Contracts;
using QueueFlow.Core.Adapters;

namespace QueueFlow.Api.Problems;

/// <summary>The API's problem+json answers, so every handler words the same failure the same way.</summary>
public static class ApiProblems
{
    public static ProblemHttpResult BadRequest(string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request", extensions: extensions);

    public static ProblemHttpResult InvalidParameter(string parameter, string detail) =>
        BadRequest(detail, new Dictionary<string, object?> { ["parameter"] = parameter });

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult TooLarge(long limit) =>
        TypedResults.Problem($"The request body is larger than the limit of {limit} bytes (Api:MaxRequestBodyBytes).",
            statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large");

    public static ProblemHttpResult UnsupportedMediaType(string? contentType) =>
        TypedResults.Problem($"The body must be application/json, not '{contentType ?? "(none)"}'.",
            statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");

    public static ProblemHttpResult SagaTimeout(TimeSpan timeout) =>
        TypedResults.Problem($"The job saga did not answer within {timeout.TotalSeconds:0} s; the command may still be applied.",
            statusCode: StatusCodes.Status504GatewayTimeout, title: "No answer from the job saga");

    /// <summary>
    /// A command the saga did not accept. Rejected and Aborted are 409: the job exists and its state refuses the
    /// change (Aborted: the job is finished; 410 would say the resource is gone, and it is still readable).
    /// Wait is 503 with Retry-After: the job cannot take the change yet, which is not the caller sending too much (429).
    /// </summary>
    public static ProblemHttpResult ForOutcome(CommandOutcome outcome, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(http);
        var extensions = new Dictionary<string, object?>
        {
            ["outcome"] = outcome.Status.ToString(),
            ["jobId"] = outcome.JobId,
            ["jobStatus"] = outcome.JobStatus?.ToString(),
        };
        if (outcome.TaskId is not null)
            extensions["taskId"] = outcome.TaskId;

        switch (outcome.Status)
        {
            case CommandStatus.Rejected when RejectionReasons.IsInvalid(outcome.Reason):
                // The request broke a limit only the rules know (an output over the size limit, say): the caller's to fix.
                return TypedResults.Problem(outcome.Reason, statusCode: StatusCodes.Status400BadRequest, title: "Bad request", extensions: extensions);
            case CommandStatus.Wait:
                var seconds = Math.Max(1, outcome.WaitSeconds ?? 1);
                http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                extensions["waitSeconds"] = seconds;
                return TypedResults.Problem(outcome.Reason ?? $"Try again in {seconds} s.", statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: "The job cannot take this change yet", extensions: extensions);
            case CommandStatus.Aborted:
                return TypedResults.Problem(outcome.Reason ?? "The job is finished.", statusCode: StatusCodes.Status409Conflict,
                    title: "The job is finished", extensions: extensions);
            default:
                return TypedResults.Problem(outcome.Reason ?? "The job saga rejected the command.", statusCode: StatusCodes.Status409Conflict,
                    title: $"{outcome.Command} rejected", extensions: extensions);
        }
    }
}
