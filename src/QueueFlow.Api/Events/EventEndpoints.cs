using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using QueueFlow.Api.OpenApi;
using QueueFlow.Api.Paging;
using QueueFlow.Api.Problems;
using QueueFlow.Api.Security;
using QueueFlow.Contracts;
using QueueFlow.Persistence;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace QueueFlow.Api.Events;

/// <summary>
/// <c>GET /api/events</c>: job and task changes as server-sent events, read from the history in PostgreSQL (see
/// <see cref="HistoryFeed"/>) so any instance serves any client and a reconnect resumes where it left off.
/// </summary>
public static class EventEndpoints
{
    public const string LastEventIdHeader = "Last-Event-ID";

    static readonly string[] StatusNames = [.. Enum.GetNames<JobStatus>().Union(Enum.GetNames<TaskRunStatus>(), StringComparer.Ordinal)];

    public static RouteHandlerBuilder MapEventEndpoints(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/api/events", StreamAsync).RequireAuthorization(ApiPolicies.Read).WithTags("Events").WithName("StreamEvents")
            .WithSummary("Follow job and task changes as server-sent events")
            .WithDescription("text/event-stream. Each event: id (strictly increasing; send it back as Last-Event-ID to resume), event (job or task), data (JSON). A ': keep-alive' comment when the stream has been silent for a while. Read from PostgreSQL, so it works across instances and misses no change committed late.")
            .WithParameters(
                DeclaredParameter.Query("jobId", "Only changes of this job."),
                DeclaredParameter.Query("workflow", "Only changes of jobs of this workflow."),
                DeclaredParameter.Query("status", "Only changes to any of these job or task statuses: comma-separated or repeated.", values: StatusNames),
                DeclaredParameter.Query("lastEventId", $"Resume after this event id (as the {LastEventIdHeader} header does; the header wins).", "integer", "int64"),
                DeclaredParameter.Header(LastEventIdHeader, "Resume after this event id: the id of the last event received."))
            .Produces<JobEvent>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);

    static async Task<Results<EmptyHttpResult, ProblemHttpResult>> StreamAsync(
        HttpContext http, IDbContextFactory<QueueFlowDbContext> dbFactory, IOptions<EventsOptions> options, IOptions<HttpJsonOptions> json,
        IHostApplicationLifetime lifetime, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (ParseFilter(http.Request, out var filter) is { } badFilter)
            return badFilter;
        if (LastEventId(http.Request, out var lastEventId) is { } badId)
            return badId;

        var settings = options.Value;
        var feed = lastEventId is { } after ? HistoryFeed.After(after, filter, settings.BatchSize) : HistoryFeed.FromNow(filter, settings.BatchSize);

        // The client going away or the host stopping ends the stream; either is a normal end, not an error.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        try
        {
            await response.StartAsync(stop.Token).ConfigureAwait(false);
            await WriteAsync(response, ": connected\n\n", stop.Token).ConfigureAwait(false);
            var silentSince = clock.GetUtcNow();
            while (!stop.IsCancellationRequested)
            {
                IReadOnlyList<JobEvent> events;
                var db = await dbFactory.CreateDbContextAsync(stop.Token).ConfigureAwait(false);
                await using (db.ConfigureAwait(false))
                    events = await feed.ReadAsync(db, stop.Token).ConfigureAwait(false);

                if (events.Count > 0)
                {
                    var text = new StringBuilder();
                    foreach (var change in events)
                    {
                        text.Append("id: ").Append(change.Position.ToString(CultureInfo.InvariantCulture)).Append('\n')
                            .Append("event: ").Append(change.EventType).Append('\n')
                            .Append("data: ").Append(JsonSerializer.Serialize(change, json.Value.SerializerOptions)).Append("\n\n");
                    }

                    await WriteAsync(response, text.ToString(), stop.Token).ConfigureAwait(false);
                    silentSince = clock.GetUtcNow();
                }
                else if (clock.GetUtcNow() - silentSince >= settings.KeepAliveInterval)
                {
                    await WriteAsync(response, ": keep-alive\n\n", stop.Token).ConfigureAwait(false);
                    silentSince = clock.GetUtcNow();
                }

                if (!feed.Behind)
                    await Task.Delay(settings.PollInterval, clock, stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        return TypedResults.Empty;
    }

    static async Task WriteAsync(HttpResponse response, string text, CancellationToken cancellationToken)
    {
        await response.WriteAsync(text, cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    static ProblemHttpResult? ParseFilter(HttpRequest request, out EventFilter filter)
    {
        filter = new EventFilter();
        Guid? jobId = null;
        if (ListQuery.Text(request, "jobId") is { } rawJob)
        {
            if (!Guid.TryParse(rawJob, out var parsed))
                return ApiProblems.InvalidParameter("jobId", $"jobId must be a job id (a UUID), not '{rawJob}'.");
            jobId = parsed;
        }

        var statuses = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in request.Query["status"])
        {
            foreach (var name in (raw ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var known = StatusNames.FirstOrDefault(s => string.Equals(s, name, StringComparison.OrdinalIgnoreCase));
                if (known is null)
                    return ApiProblems.InvalidParameter("status", $"status must be one or more of {string.Join(", ", StatusNames)} (comma-separated or repeated), not '{name}'.");
                statuses.Add(known);
            }
        }

        filter = new EventFilter { JobId = jobId, Workflow = ListQuery.Text(request, "workflow"), Statuses = statuses };
        return null;
    }

    static ProblemHttpResult? LastEventId(HttpRequest request, out long? lastEventId)
    {
        lastEventId = null;
        var (name, raw) = request.Headers[LastEventIdHeader].ToString() is { Length: > 0 } header
            ? (LastEventIdHeader, header)
            : ("lastEventId", request.Query["lastEventId"].ToString());
        if (raw.Length == 0)
            return null;
        if (!long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            return ApiProblems.InvalidParameter(name, $"{name} must be the id of an event this stream sent (a whole number), not '{raw}'.");
        lastEventId = id;
        return null;
    }
}
