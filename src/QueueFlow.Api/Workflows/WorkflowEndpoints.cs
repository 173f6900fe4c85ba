using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using QueueFlow.Api.OpenApi;
using QueueFlow.Api.Paging;
using QueueFlow.Api.Problems;
using QueueFlow.Api.Security;
using QueueFlow.Core.Workflows;
using QueueFlow.Persistence;
using QueueFlow.Persistence.Workflows;

namespace QueueFlow.Api.Workflows;

/// <summary>
/// <c>/api/workflows</c>. Registration calls the catalog directly, as the RegisterWorkflow consumer does: a
/// definition is not a job row, so the rule that every job change goes through the saga does not apply.
/// Reading definitions back reads <c>queueflow.workflow_definitions</c>, keyed by (name, version).
/// </summary>
public static class WorkflowEndpoints
{
    public static RouteGroupBuilder MapWorkflowEndpoints(this IEndpointRouteBuilder routes)
    {
        var workflows = routes.MapGroup("/api/workflows").WithTags("Workflows");
        workflows.MapPost("/", RegisterAsync).RequireAuthorization(ApiPolicies.Administer).Accepts<object>("application/json").WithName("RegisterWorkflow").WithSummary("Register a workflow definition (a new version when its tasks changed)");
        workflows.MapGet("/", ListAsync).RequireAuthorization(ApiPolicies.Read).WithName("ListWorkflows").WithSummary("List registered workflows, a page at a time")
            .WithParameters(ListQuery.LimitParameter, ListQuery.CursorParameter);
        workflows.MapGet("/{name}", GetLatestAsync).RequireAuthorization(ApiPolicies.Read).WithName("GetWorkflow").WithSummary("Read a workflow's latest version");
        workflows.MapGet("/{name}/versions/{version}", GetVersionAsync).RequireAuthorization(ApiPolicies.Read).WithName("GetWorkflowVersion").WithSummary("Read one version of a workflow");
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

        return TypedResults.Created(VersionRoute(result.Name, result.Version!.Value), new WorkflowRegistered(result.Name, result.Version.Value));
    }

    /// <summary>Names in order, a page at a time, each with all its versions; the cursor is the last name.</summary>
    const string CursorScope = "workflows";

    static async Task<Results<Ok<Page<WorkflowSummary>>, ProblemHttpResult>> ListAsync(
        HttpRequest request, IDbContextFactory<QueueFlowDbContext> dbFactory, CancellationToken cancellationToken)
    {
        if (ListQuery.Limit(request, out var limit) is { } badLimit)
            return badLimit;
        string? after = null;
        if (ListQuery.Text(request, "cursor") is { } cursor && (after = Cursor.Decode(cursor, 1, CursorScope, out var otherScope)?[0]) is null)
            return ListQuery.InvalidCursor(otherScope);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var names = db.WorkflowDefinitions.AsNoTracking().Select(w => w.Name).Distinct();
        if (after is not null)
            names = names.Where(n => string.Compare(n, after) > 0);
        var page = ListQuery.ToPage(await names.OrderBy(n => n).Take(limit + 1).ToListAsync(cancellationToken).ConfigureAwait(false), limit, n => Cursor.Encode(CursorScope, n));
        var shown = page.Items.ToList();
        var versions = await db.WorkflowDefinitions.AsNoTracking().Where(w => shown.Contains(w.Name))
            .Select(w => new { w.Name, w.Version }).ToListAsync(cancellationToken).ConfigureAwait(false);

        var items = shown.Select(name =>
        {
            var numbers = versions.Where(v => v.Name == name).Select(v => v.Version).Order().ToList();
            return new WorkflowSummary(name, numbers[^1], numbers);
        }).ToList();
        return TypedResults.Ok(new Page<WorkflowSummary>(items, page.NextCursor));
    }

    static async Task<Results<Ok<WorkflowDocument>, ProblemHttpResult>> GetLatestAsync(
        string name, IDbContextFactory<QueueFlowDbContext> dbFactory, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var record = await db.WorkflowDefinitions.AsNoTracking().Where(w => w.Name == name).OrderByDescending(w => w.Version)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return record is null
            ? ApiProblems.NotFound($"No workflow is registered under the name '{name}'.")
            : TypedResults.Ok(ToDocument(record));
    }

    static async Task<Results<Ok<WorkflowDocument>, ProblemHttpResult>> GetVersionAsync(
        string name, string version, IDbContextFactory<QueueFlowDbContext> dbFactory, CancellationToken cancellationToken)
    {
        if (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
            return ApiProblems.NotFound($"Workflow versions are whole numbers from 1; '{version}' names none of workflow '{name}'.");

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var record = await db.WorkflowDefinitions.AsNoTracking().SingleOrDefaultAsync(w => w.Name == name && w.Version == number, cancellationToken)
            .ConfigureAwait(false);
        if (record is not null)
            return TypedResults.Ok(ToDocument(record));
        return await db.WorkflowDefinitions.AnyAsync(w => w.Name == name, cancellationToken).ConfigureAwait(false)
            ? ApiProblems.NotFound($"Workflow '{name}' has no version {number}.")
            : ApiProblems.NotFound($"No workflow is registered under the name '{name}'.");
    }

    static WorkflowDocument ToDocument(WorkflowDefinitionRecord record) =>
        new(record.Name, record.Version, record.RegisteredAt, JsonElement.Parse(record.Document));

    static string VersionRoute(string name, int version) =>
        string.Create(CultureInfo.InvariantCulture, $"/api/workflows/{Uri.EscapeDataString(name)}/versions/{version}");

    static ProblemHttpResult Invalid(int status, string title, IReadOnlyList<string> errors) =>
        TypedResults.Problem(
            errors.Count == 1 ? errors[0] : $"{errors.Count} errors: {string.Join("; ", errors)}",
            statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["errors"] = errors });
}
