using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using QueueFlow.Api.OpenApi;
using QueueFlow.Api.Paging;
using QueueFlow.Contracts;

namespace QueueFlow.Api.Jobs;

/// <summary>A <see cref="JobFilter"/> from the query string of <c>GET /api/jobs</c>: <c>status</c>, <c>workflow</c>, <c>from</c>, <c>to</c>.</summary>
public static class JobFilterQuery
{
    public static readonly DeclaredParameter StatusParameter =
        DeclaredParameter.Query("status", "Only jobs in any of these statuses: comma-separated (status=Completed,Paused) or repeated (status=Completed&status=Paused).", values: Enum.GetNames<JobStatus>());

    public static readonly DeclaredParameter WorkflowParameter =
        DeclaredParameter.Query("workflow", "Only jobs of this registered workflow (400 when none is registered by that name).");

    public static readonly DeclaredParameter FromParameter =
        DeclaredParameter.Query("from", "Only jobs created at or after this time (ISO 8601).", format: "date-time");

    public static readonly DeclaredParameter ToParameter =
        DeclaredParameter.Query("to", "Only jobs created before this time (ISO 8601).", format: "date-time");

    public static readonly DeclaredParameter SortParameter =
        DeclaredParameter.Query("sort", "oldest (the default) or newest: the order of created_at. A cursor is bound to the sort it was taken under.", values: ["oldest", "newest"]);

    public static ProblemHttpResult? Parse(HttpRequest request, out JobFilter filter)
    {
        ArgumentNullException.ThrowIfNull(request);
        filter = new JobFilter();
        if (ListQuery.Enums<JobStatus>(request, "status", out var statuses) is { } badStatus)
            return badStatus;
        if (ListQuery.Time(request, "from", out var from) is { } badFrom)
            return badFrom;
        if (ListQuery.Time(request, "to", out var to) is { } badTo)
            return badTo;
        filter = new JobFilter { Statuses = statuses, Workflow = ListQuery.Text(request, "workflow"), From = from, To = to };
        return null;
    }
}
