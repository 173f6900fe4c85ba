using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using QueueFlow.Api.Problems;
using QueueFlow.Api.Security;
using QueueFlow.Core.Workflows;

namespace QueueFlow.Api.Workflows;

/// <summary>
/// <c>/api/workflows</c>. Registration calls the catalog directly, as the RegisterWorkflow consumer does: a
/// definition is not a job row, so the rule that every job change goes through the saga does not apply.
/// </summary>
public static class WorkflowEndpoints
{
    public static RouteGroupBuilder MapWorkflowEndpoints(this IEndpointRouteBuilder routes)
    {
        var workflows = routes.MapGroup("/api/workflows").WithTags("Workflows");
        workflows.MapPost("/", RegisterAsync).RequireAuthorization(ApiPolicies.Administer).Accepts<object>("application/json").WithName("RegisterWorkflow");
        return workflows;
    }

    static async Task<Results<Created<WorkflowRegistered>, ProblemHttpResult>> RegisterAsync(
        HttpRequest request, IWorkflowCatalog catalog, IOptions<ApiOptions> options, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadBytesAsync(request, options.Value.MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return problem;

        var document = Encoding.UTF8.GetString(body!);
        var parsed = WorkflowParser.Parse(document);
        if (parsed.Definition is not { } definition)
            return Invalid(StatusCodes.Status400BadRequest, "The definition is invalid", parsed.Errors);

        var result = await catalog.RegisterAsync(definition, document, cancellationToken).ConfigureAwait(false);
        if (!result.Accepted)
            return Invalid(StatusCodes.Status409Conflict, "The definition conflicts with a registered one", result.Errors);

        // No Location: there is no route to read a definition back yet.
        return TypedResults.Created((string?)null, new WorkflowRegistered(result.Name, result.Version!.Value));
    }

    static ProblemHttpResult Invalid(int status, string title, IReadOnlyList<string> errors) =>
        TypedResults.Problem(
            errors.Count == 1 ? errors[0] : $"{errors.Count} errors: {string.Join("; ", errors)}",
            statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["errors"] = errors });
}
