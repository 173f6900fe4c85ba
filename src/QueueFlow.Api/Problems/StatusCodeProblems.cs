using Microsoft.AspNetCore.Http;

namespace QueueFlow.Api.Problems;

/// <summary>
/// Details for the problems the framework writes itself, before a handler runs. Routing answers a body whose
/// content type a route does not accept with a bare 415; it gets the same detail <see cref="JsonBody"/> gives.
/// </summary>
public static class StatusCodeProblems
{
    public static void AddDetail(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.ProblemDetails.Status == StatusCodes.Status415UnsupportedMediaType && context.ProblemDetails.Detail is null)
            context.ProblemDetails.Detail = $"The body must be application/json, not '{context.HttpContext.Request.ContentType ?? "(none)"}'.";
    }
}
