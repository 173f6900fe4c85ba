using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using QueueFlow.Dashboard.Components;

namespace QueueFlow.Dashboard;

/// <summary>
/// The dashboard's routes. Pages are Razor components rendered on the server per request (static SSR through
/// <see cref="RazorComponentResult{T}"/>), so the group can live under any path and in any host. Every POST checks
/// the antiforgery token itself before it reads the form, and refuses a reader before asking the API, which refuses
/// it again by its own rules.
/// </summary>
public static class DashboardEndpoints
{
    public static IEndpointRouteBuilder MapQueueFlowDashboard(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var options = routes.ServiceProvider.GetRequiredService<IOptions<DashboardOptions>>().Value;
        if (!options.Enabled)
            return routes;

        var root = routes.MapGroup(options.Path).ExcludeFromDescription().AllowAnonymous();
        root.MapGet("/assets/{name}", Asset);
        root.MapGet("/signin", (HttpContext context, IAntiforgery antiforgery) => Page<SignInPage>(context, antiforgery, null, new() { ["Error"] = null }));
        root.MapPost("/signin", SignInAsync);
        root.MapPost("/signout", SignOutAsync);

        var pages = root.MapGroup("").AddEndpointFilter(RequireSession);
        pages.MapGet("/", OverviewAsync);
        pages.MapGet("/jobs", JobsAsync);
        pages.MapGet("/jobs/{id:guid}", JobAsync);
        pages.MapPost("/jobs/{id:guid}/{action:regex(^(pause|resume|cancel)$)}", JobActionAsync);
        pages.MapPost("/jobs/{id:guid}/tasks/{taskId}/retry", RetryTaskAsync);
        pages.MapPost("/jobs/{id:guid}/{action:regex(^(continue|revert)$)}", RepairAsync);
        pages.MapPost("/jobs/{id:guid}/tasks/{taskId}/{action:regex(^(claim|release|assign|finish)$)}", ManualTaskAsync);
        pages.MapPost("/jobs/bulk", JobsBulkAsync);
        pages.MapPost("/jobs/bulk/count", JobsBulkCountAsync);
        pages.MapPost("/tasks/bulk", TasksBulkAsync);
        pages.MapPost("/tasks/bulk/count", TasksBulkCountAsync);
        pages.MapGet("/tasks", TasksAsync);
        pages.MapGet("/events", EventsAsync);
        pages.MapGet("/workflows", WorkflowsAsync);
        pages.MapPost("/workflows", RegisterWorkflowAsync);
        pages.MapGet("/dead-letters", DeadLettersAsync);
        pages.MapGet("/dead-letters/{id:guid}", DeadLettersAsync);
        pages.MapPost("/dead-letters/{id:guid}/{action:regex(^(replay|discard)$)}", DeadLetterActionAsync);
        return routes;
    }

    /// <summary>The live feed a page follows: every change, or one job's. Ends when the browser leaves or the host stops.</summary>
    static async Task EventsAsync(HttpContext context, DashboardApi api, IHostApplicationLifetime lifetime, string? jobId, CancellationToken cancellationToken)
    {
        Guid? job = null;
        if (jobId is not null)
        {
            if (!Guid.TryParse(jobId, out var parsed))
            {
                await Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "jobId must be a job's id (a GUID).").ExecuteAsync(context).ConfigureAwait(false);
                return;
            }
            job = parsed;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        try
        {
            await api.RelayEventsAsync(context, Session(context).Key, job is { } id ? $"api/events?jobId={id}" : "api/events", stop.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (stop.IsCancellationRequested && error is OperationCanceledException or IOException or HttpRequestException)
        {
            // The browser went away or the host is stopping: a normal end of a stream.
        }
    }

    static string PathOf(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptions<DashboardOptions>>().Value.Path;

    static DashboardSession Session(HttpContext context) => (DashboardSession)context.Items[typeof(DashboardSession)]!;

    /// <summary>Nothing under the dashboard without a key: no session means the sign-in page.</summary>
    static async ValueTask<object?> RequireSession(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var session = DashboardSession.Read(context, context.RequestServices.GetRequiredService<IDataProtectionProvider>());
        if (session is null)
            return HttpMethods.IsGet(context.Request.Method) ? Results.Redirect($"{PathOf(context)}/signin") : Results.Unauthorized();
        context.Items[typeof(DashboardSession)] = session;
        return await next(invocation).ConfigureAwait(false);
    }

    static RazorComponentResult<T> Page<T>(HttpContext context, IAntiforgery antiforgery, DashboardSession? session, Dictionary<string, object?> parameters)
        where T : Microsoft.AspNetCore.Components.IComponent
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        parameters["Token"] = new FormToken(tokens.FormFieldName, tokens.RequestToken!);
        parameters["Session"] = session;
        parameters["Base"] = PathOf(context);
        // Pages change as jobs do: never serve one from a cache.
        context.Response.Headers.CacheControl = "no-store";
        return new RazorComponentResult<T>(parameters);
    }

    static IResult Asset(string name)
    {
        var type = name.EndsWith(".css", StringComparison.Ordinal) ? "text/css" : name.EndsWith(".js", StringComparison.Ordinal) ? "text/javascript" : null;
        var stream = type is null ? null : typeof(DashboardEndpoints).Assembly.GetManifestResourceStream($"QueueFlow.Dashboard.Assets.{name}");
        return stream is null ? Results.NotFound() : Results.Stream(stream, type);
    }

    /// <summary>Whether a POST carries this user's antiforgery token; a forged one gets a 400 and changes nothing.</summary>
    static async Task<IResult?> RefuseForgedAsync(HttpContext context, IAntiforgery antiforgery, bool operatorOnly)
    {
        bool valid;
        try
        {
            // Reads the form, so a form over ASP.NET Core's limits (FormOptions) shows up here first.
            valid = await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false);
        }
        catch (AntiforgeryValidationException unreadable) when (unreadable.InnerException is InvalidDataException tooLarge)
        {
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The form is larger than the dashboard accepts.", detail: tooLarge.Message);
        }
        catch (AntiforgeryValidationException unreadable)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The form could not be read.", detail: unreadable.Message);
        }

        if (!valid)
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The form's antiforgery token is missing or not this user's.");
        if (operatorOnly && context.Items[typeof(DashboardSession)] is DashboardSession { CanOperate: false })
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Only an operator or admin key may act on jobs.");
        return null;
    }

    static async Task<IResult> SignInAsync(HttpContext context, IAntiforgery antiforgery, DashboardApi api, IDataProtectionProvider protection, CancellationToken cancellationToken)
    {
        if (await RefuseForgedAsync(context, antiforgery, operatorOnly: false).ConfigureAwait(false) is { } refused)
            return refused;
        var form = await context.Request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        var key = form["key"].ToString().Trim();
        var role = key.Length == 0 ? null : await RoleProbe.RoleOfAsync(context, api, key, cancellationToken).ConfigureAwait(false);
        if (role is null)
            return Page<SignInPage>(context, antiforgery, null, new() { ["Error"] = "The API does not know this key." });
        new DashboardSession(key, role).Write(context, protection, PathOf(context));
        return Results.Redirect($"{PathOf(context)}/");
    }

    static async Task<IResult> SignOutAsync(HttpContext context, IAntiforgery antiforgery)
    {
        if (await RefuseForgedAsync(context, antiforgery, operatorOnly: false).ConfigureAwait(false) is { } refused)
            return refused;
        DashboardSession.Clear(context, PathOf(context));
        return Results.Redirect($"{PathOf(context)}/signin");
    }

    static async Task<IResult> OverviewAsync(HttpContext context, IAntiforgery antiforgery, DashboardApi api, CancellationToken cancellationToken)
    {
        var session = Session(context);
        var stats = await api.GetAsync(context, session.Key, "api/stats", cancellationToken).ConfigureAwait(false);
        var overview = await api.GetAsync(context, session.Key, "api/overview", cancellationToken).ConfigureAwait(false);
        return Page<OverviewPage>(context, antiforgery, session, new() { ["Stats"] = stats, ["Overview"] = overview });
    }

    static async Task<IResult> JobsAsync(HttpContext context, IAntiforgery antiforgery, DashboardApi api, CancellationToken cancellationToken)
    {
        var session = Session(context);
        var filter = JobsFilter.Read(context.Request.Query);
        if (filter.Id is { } id)
            return Results.Redirect($"{PathOf(context)}/jobs/{id}");
        var jobs = await api.GetAsync(context, session.Key, $"api/jobs?{filter.ApiQuery()}", cancellationToken).ConfigureAwait(false);
        var preview = session.CanOperate ? await BulkPreview.ForJobsAsync(api, context, session.Key, filter, cancellationToken).ConfigureAwait(false) : null;
        return Page<JobsPage>(context, antiforgery, session, new() { ["Filter"] = filter, ["Jobs"] = jobs, ["Preview"] = preview, ["Message"] = context.Request.Query["message"].ToString() });
    }

    static async Task<IResult> TasksAsync(HttpContext context, IAntiforgery antiforgery, DashboardApi api, CancellationToken cancellationToken)
    {
        var session = Session(context);
        var filter = TasksFilter.Read(context.Request.Query);
        var tasks = await api.GetAsync(context, session.Key, $"api/tasks?{filter.ApiQuery()}", cancellationToken).ConfigureAwait(false);
        var preview = session.CanOperate ? await BulkPreview.ForTasksAsync(api, context, session.Key, filter, cancellationToken).ConfigureAwait(false) : null;
        return Page<TasksPage>(context, antiforgery, session, new() { ["Filter"] = filter, ["Tasks"] = tasks, ["Preview"] = preview, ["Message"] = context.Request.Query["message"].ToString() });
    }

    static async Task<IResult> JobAsync(Guid id, HttpContext context, IAntiforgery antiforgery, DashboardApi api, CancellationToken cancellationToken)
    {
        var session = Session(context);
        var job = await api.GetAsync(context, session.Key, $"api/jobs/{id}", cancellationToken).ConfigureAwait(false);
        var history = await api.GetAsync(context, session.Key, $"api/jobs/{id}/history?limit=200", cancellationToken).ConfigureAwait(false);
        ApiAnswer? workflow = null;
        if (job.Ok)
        {
            var name = job.Body.GetProperty("workflow").GetString()!;
            var version = job.Body.GetProperty("version").GetInt32();
            workflow = await api.GetAsync(context, session.Key, $"api/workflows/{Uri.EscapeDataString(name)}/versions/{version}", cancellationToken).ConfigureAwait(false);
        }
        return Page<JobPage>(context, antiforgery, session, new()
        {
            ["Id"] = id, ["Job"] = job, ["History"] = history, ["Workflow"] = workflow, ["Message"] = context.Request.Query["message"].ToString(),
        });
    }

    static async Task<IResult> JobActionAsync(Guid id, string action, HttpContext context, IAntiforgery antiforgery, DashboardApi api, CancellationToken cancellationToken)
    {
        if (await RefuseForgedAsync(context, antiforgery, operatorOnly: true).ConfigureAwait(false) is { } refused)
            return refused;
        var form = await context.Request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        var answer = await api.PostAsync(context, Session(context).Key, $"api/jobs/{id}/{action}", new { reason = Reason(form) }, cancellationToken).ConfigureAwait(false);
        return BackToJob(context, id, answer, $"{action} sent");
    }

    static async Task<IResult> RetryTaskAsync(Guid id, string taskId, HttpContext context, IAntiforgery antiforgery, DashboardApi api, CancellationToken cancellationToken)
    {
        if (await RefuseForgedAsync(context, antiforgery, operatorOnly: true).ConfigureAwait(false) is { } refused)
            return refused;
        var form = await context.Request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        var answer = await api.PostAsync(context, Session(context).Key, $"api/jobs/{id}/tasks/{Uri.EscapeDataString(taskId)}/retry", new { reason = Reason(form) }, cancellationToken).ConfigureAwait(false);
        return BackToJob(context, id, answer, $"retry of {taskId} sent");
    }

    static Task<IResult> WorkflowsAsync(HttpContext context, IAntiforgery antiforgery, DashboardApi api, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        var version = int.TryParse(query["version"], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;
        return WorkflowsPageAsync(context, antiforgery, api, query["name"].ToString(), version, query["message"].ToString(), draft: null, cancellationToken);
    }

    /// <summary>
    /// An admin registers a workflow: the pasted definition goes to POST /api/workflows as it is. Registered, the page
    /// shows the new version's graph; refused, it shows the API's reason above the text, kept for the next try.
    /// </summary>
    static async Task<IResult> RegisterWorkflowAsync(HttpContext context, IAntiforgery antiforgery, DashboardApi api, CancellationToken cancellationToken)
    {
        if (await RefuseForgedAsync(context, antiforgery, operatorOnly: false).ConfigureAwait(false) is { } refused)
            return refused;
        if (!Session(context).CanAdminister)
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Only an admin key may register workflows.");
        var form = await context.Request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        var draft = form["definition"].ToString();
        var answer = await api.PostJsonAsync(context, Session(context).Key, "api/workflows", draft, cancellationToken).ConfigureAwait(false);
        if (!answer.Ok)
            return await WorkflowsPageAsync(context, antiforgery, api, "", 0, answer.Problem, draft, cancellationToken).ConfigureAwait(false);
        var name = answer.Body.GetProperty("name").GetString()!;
        var version = answer.Body.GetProperty("version").GetInt32();
        var message = string.Create(CultureInfo.InvariantCulture, $"registered {name} v{version}");
        return Results.Redirect(string.Create(CultureInfo.InvariantCulture,
            $"{PathOf(context)}/workflows?name={Uri.EscapeDataString(name)}&version={version}&message={Uri.EscapeDataString(message)}"));
    }

    static async Task<IResult> WorkflowsPageAsync(
        HttpContext context, IAntiforgery antiforgery, DashboardApi api, string name, int version, string message, string? draft, CancellationToken cancellationToken)
    {
        var session = Session(context);
        var cursor = context.Request.Query["cursor"].ToString();
        var workflows = await api.GetAsync(context, session.Key, cursor.Length == 0 ? "api/workflows" : $"api/workflows?cursor={Uri.EscapeDataString(cursor)}", cancellationToken).ConfigureAwait(false);
        ApiAnswer? definition = null;
        if (name.Length > 0)
        {
            var path = version > 0 ? $"api/workflows/{Uri.EscapeDataString(name)}/versions/{version}" : $"api/workflows/{Uri.EscapeDataString(name)}";
            definition = await api.GetAsync(context, session.Key, path, cancellationToken).ConfigureAwait(false);
            if (version == 0 && definition.Ok && definition.Body.TryGetProperty("version", out var latest))
                version = latest.GetInt32();
        }
        return Page<WorkflowsPage>(context, antiforgery, session, new()
        {
            ["Workflows"] = workflows, ["Definition"] = definition, ["SelectedName"] = name, ["SelectedVersion"] = version,
            ["Message"] = message, ["Draft"] = draft,
        });
    }

    static async Task<IResult> DeadLettersAsync(Guid? id, HttpContext context, IAntiforgery antiforgery, DashboardApi api, CancellationToken cancellationToken)
    {
        var session = Session(context);
        var query = context.Request.Query;
        var status = query["status"].ToString();
        var cursor = query["cursor"].ToString();
        var parts = new List<string>();
        if (status.Length > 0)
            parts.Add($"status={Uri.EscapeDataString(status)}");
        if (cursor.Length > 0)
            parts.Add($"cursor={Uri.EscapeDataString(cursor)}");
        var letters = await api.GetAsync(context, session.Key, $"api/dead-letters?{string.Join('&', parts)}", cancellationToken).ConfigureAwait(false);
        var detail = id is { } one ? await api.GetAsync(context, session.Key, $"api/dead-letters/{one}", cancellationToken).ConfigureAwait(false) : null;
        return Page<DeadLettersPage>(context, antiforgery, session, new()
        {
            ["Letters"] = letters, ["Detail"] = detail, ["Status"] = status, ["Message"] = query["message"].ToString(),
        });
    }

    static async Task<IResult> DeadLetterActionAsync(Guid id, string action, HttpContext context, IAntiforgery antiforgery, DashboardApi api, CancellationToken cancellationToken)
    {
        if (await RefuseForgedAsync(context, antiforgery, operatorOnly: true).ConfigureAwait(false) is { } refused)
            return refused;
        var form = await context.Request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        // A replay form may name another destination; left empty, the message goes back where it failed.
        var destination = action == "replay" && form["destination"].ToString().Trim() is { Length: > 0 } given ? given : null;
        var answer = await api.PostAsync(context, Session(context).Key, $"api/dead-letters/{action}", new { ids = new[] { id }, reason = Reason(form), destination }, cancellationToken).ConfigureAwait(false);
        var message = !answer.Ok ? answer.Problem
            : string.Create(CultureInfo.InvariantCulture, $"{action}: {answer.Body.GetProperty("done").GetInt32()} of {answer.Body.GetProperty("matched").GetInt32()} done")
                + (destination is null ? "" : $" (to {destination})");
        return Results.Redirect($"{PathOf(context)}/dead-letters?message={Uri.EscapeDataString(message)}");
    }

    /// <summary>Continue or revert a failed job; empty fields are left out so the API picks the failed task.</summary>
    static async Task<IResult> RepairAsync(Guid id, string action, HttpContext context, IAntiforgery antiforgery, DashboardApi api, CancellationToken cancellationToken)
    {
        if (await RefuseForgedAsync(context, antiforgery, operatorOnly: true).ConfigureAwait(false) is { } refused)
            return refused;
        var form = await context.Request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        object body = action == "continue"
            ? new { fromTask = Field(form, "fromTask"), reason = Reason(form) }
            : new { fromTask = Field(form, "fromTask"), toTask = Field(form, "toTask") ?? "" };
        var answer = await api.PostAsync(context, Session(context).Key, $"api/jobs/{id}/{action}", body, cancellationToken).ConfigureAwait(false);
        return BackToJob(context, id, answer, $"{action} sent");
    }

    /// <summary>Claim, release, assign or finish a manual task, as the signed-in key's user.</summary>
    static async Task<IResult> ManualTaskAsync(Guid id, string taskId, string action, HttpContext context, IAntiforgery antiforgery, DashboardApi api, CancellationToken cancellationToken)
    {
        if (await RefuseForgedAsync(context, antiforgery, operatorOnly: true).ConfigureAwait(false) is { } refused)
            return refused;
        var form = await context.Request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        object? body = action switch
        {
            "assign" => new { assignee = Field(form, "assignee") ?? "" },
            "finish" => new { finishState = Field(form, "finishState") },
            _ => null,
        };
        var answer = await api.PostAsync(context, Session(context).Key, $"api/jobs/{id}/tasks/{Uri.EscapeDataString(taskId)}/{action}", body, cancellationToken).ConfigureAwait(false);
        return BackToJob(context, id, answer, $"{action} of {taskId} sent");
    }

    static string? Field(IFormCollection form, string name) => form[name].ToString().Trim() is { Length: > 0 } value ? value : null;

    static string Reason(IFormCollection form) => form["reason"].ToString() is { Length: > 0 } reason ? reason : "from the dashboard";

    static IResult BackToJob(HttpContext context, Guid id, ApiAnswer answer, string done) =>
        Results.Redirect($"{PathOf(context)}/jobs/{id}?message={Uri.EscapeDataString(answer.Ok ? done : answer.Problem)}");

    /// <summary>
    /// Bulk cancel or retry on the jobs list's filter (<see cref="BulkRun"/>): cancel walks the open statuses chosen,
    /// retry takes the failed tasks of the listed jobs (see <see cref="JobsFilter"/>).
    /// </summary>
    static async Task<IResult> JobsBulkAsync(HttpContext context, IAntiforgery antiforgery, DashboardApi api, IOptions<DashboardOptions> options, CancellationToken cancellationToken)
    {
        if (await RefuseForgedAsync(context, antiforgery, operatorOnly: true).ConfigureAwait(false) is { } refused)
            return refused;
        var form = await context.Request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        var filter = JobsFilter.Read(form);
        var retry = form["bulk"] == "retry";
        var run = new BulkRun(api, context, Session(context).Key, retry ? filter.RetryFilters : filter.CancelFilters, retry, options.Value.BulkPageSize);
        return await RunBulkAsync(context, run, message => $"{PathOf(context)}/jobs?{filter.PageQuery()}&message={message}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// What the jobs list's bulk actions would take now (<see cref="BulkPreview"/>), for the page's script to ask with
    /// before it confirms: the page's own count was taken when it was drawn, and the filter may match more or fewer since.
    /// </summary>
    static async Task<IResult> JobsBulkCountAsync(HttpContext context, IAntiforgery antiforgery, DashboardApi api, CancellationToken cancellationToken)
    {
        if (await RefuseForgedAsync(context, antiforgery, operatorOnly: true).ConfigureAwait(false) is { } refused)
            return refused;
        var form = await context.Request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        return Results.Json(await BulkPreview.ForJobsAsync(api, context, Session(context).Key, JobsFilter.Read(form), cancellationToken).ConfigureAwait(false), ProgressJson);
    }

    /// <summary>What the task list's bulk retry would take now (see <see cref="JobsBulkCountAsync"/>).</summary>
    static async Task<IResult> TasksBulkCountAsync(HttpContext context, IAntiforgery antiforgery, DashboardApi api, CancellationToken cancellationToken)
    {
        if (await RefuseForgedAsync(context, antiforgery, operatorOnly: true).ConfigureAwait(false) is { } refused)
            return refused;
        var form = await context.Request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        return Results.Json(await BulkPreview.ForTasksAsync(api, context, Session(context).Key, TasksFilter.Read(form), cancellationToken).ConfigureAwait(false), ProgressJson);
    }

    /// <summary>Bulk retry of the Failed and TimedOut tasks of the task list's filter (<see cref="TasksFilter"/>).</summary>
    static async Task<IResult> TasksBulkAsync(HttpContext context, IAntiforgery antiforgery, DashboardApi api, IOptions<DashboardOptions> options, CancellationToken cancellationToken)
    {
        if (await RefuseForgedAsync(context, antiforgery, operatorOnly: true).ConfigureAwait(false) is { } refused)
            return refused;
        var form = await context.Request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        var filter = TasksFilter.Read(form);
        var run = new BulkRun(api, context, Session(context).Key, filter.RetryFilters, retry: true, options.Value.BulkPageSize);
        var query = filter.PageQuery();
        return await RunBulkAsync(context, run, message => $"{PathOf(context)}/tasks?{query}{(query.Length > 0 ? "&" : "")}message={message}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a bulk action. A plain form post waits for the whole run and comes back to the list (<paramref name="back"/>,
    /// given the escaped message) with the counts as its message. The page's script asks for progress instead (header
    /// <see cref="ProgressHeader"/>): then the answer is a stream of JSON lines, the counts after each API page and
    /// last the message and the list to go back to, so a long run shows how far it got.
    /// </summary>
    static async Task<IResult> RunBulkAsync(HttpContext context, BulkRun run, Func<string, string> back, CancellationToken cancellationToken)
    {
        string Back() => back(Uri.EscapeDataString(run.Message(final: true)));
        if (!context.Request.Headers.ContainsKey(ProgressHeader))
        {
            await run.RunAsync(_ => Task.CompletedTask, cancellationToken).ConfigureAwait(false);
            return Results.Redirect(Back());
        }

        var response = context.Response;
        response.ContentType = "application/x-ndjson";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.StartAsync(cancellationToken).ConfigureAwait(false);
        await run.RunAsync(r => ProgressLineAsync(response, new { matched = r.Matched, done = r.Done, message = r.Message(final: false) }, cancellationToken), cancellationToken)
            .ConfigureAwait(false);
        await ProgressLineAsync(response, new { matched = run.Matched, done = run.Done, message = run.Message(final: true), problem = run.Problem, location = Back() }, cancellationToken)
            .ConfigureAwait(false);
        return Results.Empty;
    }

    /// <summary>The request header the page's script sends to have a bulk action's progress streamed.</summary>
    public const string ProgressHeader = "X-Dashboard-Progress";

    static async Task ProgressLineAsync(HttpResponse response, object line, CancellationToken cancellationToken)
    {
        await JsonSerializer.SerializeAsync(response.Body, line, ProgressJson, cancellationToken).ConfigureAwait(false);
        await response.Body.WriteAsync(NewLine, cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    static readonly JsonSerializerOptions ProgressJson = new(JsonSerializerDefaults.Web);

    static readonly byte[] NewLine = [(byte)'\n'];
}
