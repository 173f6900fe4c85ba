using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using QueueFlow.Api.Jobs;
using QueueFlow.Api.Paging;
using QueueFlow.Api.Problems;
using QueueFlow.Api.Security;
using QueueFlow.Persistence;
using QueueFlow.Persistence.DeadLetters;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace QueueFlow.Api.DeadLetters;

/// <summary>
/// <c>/api/dead-letters</c>: the dead-letter store read newest first, one dead letter whole, and replay or discard by
/// ids or by filter (operator role). Each replay or discard is its own transaction on the dead letter's row.
/// </summary>
public static class DeadLetterEndpoints
{
    public const int DefaultBulkLimit = BulkByFilter.DefaultLimit;

    public static RouteGroupBuilder MapDeadLetterEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/dead-letters").WithTags("Dead letters");
        group.MapGet("/", ListAsync).RequireAuthorization(ApiPolicies.Read).WithName("ListDeadLetters")
            .WithSummary("List dead letters, newest first")
            .WithDescription("Messages QueueFlow could not take, from its error queues and its outbox. Filters combine; text filters are case-insensitive substrings; keyset paging with nextCursor.")
            .Produces<Page<DeadLetterSummary>>().ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/{id}", GetAsync).RequireAuthorization(ApiPolicies.Read).WithName("GetDeadLetter")
            .WithSummary("Read one dead letter with its headers, body and audit")
            .Produces<DeadLetterDocument>().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPost("/replay", ReplayAsync).RequireAuthorization(ApiPolicies.Operate).WithName("ReplayDeadLetters")
            .WithSummary("Replay dead letters through the outbox, at most once each")
            .WithDescription("By ids or by filter (Pending only, oldest first). edit (one id only) fixes the message first and is audited; destination (exchange:NAME, queue:NAME or task:NAME) sends them there instead of where each failed, and the audit says so; dryRun changes nothing. A message that still cannot be read stays Pending with the new reason.")
            .Accepts<DeadLetterBulkRequest>("application/json").Produces<DeadLetterBulkResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapPost("/discard", DiscardAsync).RequireAuthorization(ApiPolicies.Operate).WithName("DiscardDeadLetters")
            .WithSummary("Discard dead letters, keeping an audit row each")
            .Accepts<DeadLetterBulkRequest>("application/json").Produces<DeadLetterBulkResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return group;
    }

    /// <summary>
    /// The query parameters are declared so the OpenAPI document lists them; <see cref="ListQuery"/> parses them from the
    /// request so each bad value is a problem naming its parameter.
    /// </summary>
    static async Task<Results<Ok<Page<DeadLetterSummary>>, ProblemHttpResult>> ListAsync(
        HttpRequest request, IDbContextFactory<QueueFlowDbContext> dbFactory, CancellationToken cancellationToken,
        string? status = null, string? source = null, string? reason = null, string? messageType = null, string? jobId = null,
        string? taskId = null, string? from = null, string? to = null, string? limit = null, string? cursor = null)
    {
        if (ListQuery.Enums<DeadLetterStatus>(request, nameof(status), out var statuses) is { } badStatus)
            return badStatus;
        if (ListQuery.Enum<DeadLetterSource>(request, nameof(source), out var sourceValue) is { } badSource)
            return badSource;
        if (ListQuery.Time(request, nameof(from), out var fromValue) is { } badFrom)
            return badFrom;
        if (ListQuery.Time(request, nameof(to), out var toValue) is { } badTo)
            return badTo;
        if (ListQuery.Limit(request, out var take) is { } badLimit)
            return badLimit;
        _ = limit;
        Guid? job = null;
        if (jobId is not null)
        {
            if (!Guid.TryParse(jobId, out var parsed))
                return ApiProblems.InvalidParameter(nameof(jobId), $"jobId must be a job id (a UUID), not '{jobId}'.");
            job = parsed;
        }

        var filter = new DeadLetterFilter
        {
            Statuses = statuses, Source = sourceValue, Reason = reason, MessageType = messageType, JobId = job, TaskId = taskId,
            From = fromValue, To = toValue,
        };
        var scope = DeadLetterQuery.Scope("dead-letters", filter);
        DeadLetterKey? after = null;
        if (cursor is not null && (after = DeadLetterQuery.Decode(cursor, scope, out var otherFilter)) is null)
            return ListQuery.InvalidCursor(otherFilter);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var rows = await DeadLetterQuery.Newest(db, filter, after, take + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(ListQuery.ToPage(rows, take, r => DeadLetterQuery.Encode(new DeadLetterKey(r.LastSeenAt, r.Id), scope)));
    }

    static async Task<Results<Ok<DeadLetterDocument>, ProblemHttpResult>> GetAsync(
        string id, IDbContextFactory<QueueFlowDbContext> dbFactory, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var deadLetterId))
            return Unknown(id);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var letter = await db.DeadLetters.AsNoTracking().SingleOrDefaultAsync(d => d.Id == deadLetterId, cancellationToken).ConfigureAwait(false);
        if (letter is null)
            return Unknown(id);
        var actions = await db.DeadLetterActions.AsNoTracking().Where(a => a.DeadLetterId == deadLetterId).OrderBy(a => a.Id)
            .Select(a => new DeadLetterActionDocument(a.Action, a.Actor, a.At, a.Detail)).ToListAsync(cancellationToken).ConfigureAwait(false);
        var headers = JsonSerializer.Deserialize<Dictionary<string, string>>(letter.Headers) ?? [];
        return TypedResults.Ok(new DeadLetterDocument(letter.Id, letter.MessageId, letter.Source, letter.SourceName, letter.MessageType,
            letter.Destination, headers, letter.Body, letter.BodyEncoding, DecodedBody.Of(letter), letter.Reason, letter.JobId,
            letter.TaskId, letter.FirstSeenAt, letter.LastSeenAt, letter.SeenCount, letter.Status, letter.ResolvedAt,
            letter.ResolvedBy, actions)
        {
            CapturedHeaders = DecodedCapture.Headers(headers), FirstReason = DecodedCapture.FirstReason(headers),
        });
    }

    static Task<Results<Ok<DeadLetterBulkResult>, ProblemHttpResult>> ReplayAsync(
        HttpContext http, DeadLetterRepair repair, IDbContextFactory<QueueFlowDbContext> dbFactory, IOptions<ApiOptions> options,
        IOptions<HttpJsonOptions> json, IReplayDestinationCheck destinations, CancellationToken cancellationToken) =>
        BulkAsync(http, dbFactory, options, json, destinations,
            (id, request, actor) => repair.ReplayAsync(id, request.Edit, request.Destination, actor, request.DryRun, cancellationToken), cancellationToken);

    static Task<Results<Ok<DeadLetterBulkResult>, ProblemHttpResult>> DiscardAsync(
        HttpContext http, DeadLetterRepair repair, IDbContextFactory<QueueFlowDbContext> dbFactory, IOptions<ApiOptions> options,
        IOptions<HttpJsonOptions> json, CancellationToken cancellationToken) =>
        BulkAsync(http, dbFactory, options, json, destinations: null,
            (id, request, actor) => repair.DiscardAsync(id, request.Reason, actor, request.DryRun, cancellationToken), cancellationToken);

    static async Task<Results<Ok<DeadLetterBulkResult>, ProblemHttpResult>> BulkAsync(
        HttpContext http, IDbContextFactory<QueueFlowDbContext> dbFactory, IOptions<ApiOptions> options, IOptions<HttpJsonOptions> json,
        IReplayDestinationCheck? destinations, Func<Guid, DeadLetterBulkRequest, string, Task<DeadLetterResult>> act, CancellationToken cancellationToken)
    {
        // Only a replay checks destinations; a discard takes no edit and no destination.
        var allowEdit = destinations is not null;
        var (request, bad) = await JsonBody.ReadAsync<DeadLetterBulkRequest>(http.Request, options.Value.MaxRequestBodyBytes, json.Value.SerializerOptions, cancellationToken).ConfigureAwait(false);
        if (bad is not null)
            return bad;
        if ((request!.Ids is null) == (request.Filter is null))
            return BulkByFilter.Invalid("$", "Give either ids or filter, not both.");
        if (request.Ids is { } given && given.Count is < 1 or > JobControlEndpoints.MaxBulkIds)
            return BulkByFilter.Invalid("$.ids", $"ids must name from 1 to {JobControlEndpoints.MaxBulkIds} dead letters.");
        if (request.Edit is { IsEmpty: false } && (!allowEdit || request.Ids is not { Count: 1 }))
            return BulkByFilter.Invalid("$.edit", allowEdit ? "edit applies to one dead letter: give exactly one id." : "a discard takes no edit.");
        if (request.Edit?.Body is { ValueKind: not System.Text.Json.JsonValueKind.Object })
            return BulkByFilter.Invalid("$.edit.body", "edit.body must be the whole message as a JSON object.");
        if (request.Destination is { } destination)
        {
            if ((allowEdit ? ReplayDestination.Problem(destination) : "a discard takes no destination.") is { } badDestination)
                return BulkByFilter.Invalid("$.destination", badDestination);
            var verdict = await destinations!.CheckAsync(destination, cancellationToken).ConfigureAwait(false);
            if (verdict.BrokerUnreadable)
                return TypedResults.Problem($"The broker could not be asked whether '{destination}' takes a replay; nothing was replayed. Try again, or replay without a destination.",
                    statusCode: StatusCodes.Status503ServiceUnavailable, title: "Destination not checked");
            if (verdict.Problem is { } refused)
                return BulkByFilter.Invalid("$.destination", refused);
        }

        if (BulkByFilter.Limit(request.Limit, out var limit) is { } badLimit)
            return badLimit;
        var scope = DeadLetterQuery.Scope(allowEdit ? "replay" : "discard", request.Filter);
        DeadLetterKey? after = null;
        if (request.Cursor is { } cursor && (after = DeadLetterQuery.Decode(cursor, scope, out var otherFilter)) is null)
            return BulkByFilter.InvalidCursor(otherFilter);

        IReadOnlyList<Guid> ids;
        string? next = null;
        if (request.Filter is { } f)
        {
            if (BulkByFilter.Range(f.From, f.To) is { } badRange)
                return badRange;
            var filter = new DeadLetterFilter
            {
                Status = DeadLetterStatus.Pending, Source = f.Source, Reason = f.Reason, MessageType = f.MessageType, JobId = f.JobId,
                TaskId = f.TaskId, From = f.From?.ToUniversalTime(), To = f.To?.ToUniversalTime(),
            };
            List<DeadLetterKey> keys;
            await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false))
                keys = await DeadLetterQuery.Oldest(db, filter, after, limit + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
            next = BulkByFilter.Page(keys, limit, last => DeadLetterQuery.Encode(last, scope));
            ids = [.. keys.Select(k => k.Id)];
        }
        else
        {
            ids = [.. request.Ids!.Distinct()];
        }

        var actor = http.User.Identity!.Name!;
        var items = new List<DeadLetterResult>(ids.Count);
        foreach (var id in ids)
            items.Add(await act(id, request, actor).ConfigureAwait(false));
        var done = items.Count(i => i.Outcome is DeadLetterOutcome.Done or DeadLetterOutcome.WouldBeDone);
        return TypedResults.Ok(new DeadLetterBulkResult(items.Count, done, request.DryRun, items, next));
    }

    static ProblemHttpResult Unknown(string id) => ApiProblems.NotFound($"No dead letter has the id '{id}'.");
}
