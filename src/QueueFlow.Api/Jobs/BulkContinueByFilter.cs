using System.Globalization;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using QueueFlow.Api.Paging;
using QueueFlow.Api.Problems;
using QueueFlow.Api.Security;
using QueueFlow.Contracts;
using QueueFlow.Persistence;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace QueueFlow.Api.Jobs;

/// <summary>
/// <c>POST /api/jobs/continue</c> with a filter: every Failed job of it, in (created_at, id) order, a bounded page per
/// request, is sent a ContinueJob from the task it failed on, as a bulk cancel by filter does. With an Idempotency-Key
/// each job's command id derives from the key, so a request sent again is applied once.
/// </summary>
public static class BulkContinueByFilter
{
    public const int DefaultLimit = BulkByFilter.DefaultLimit;

    public static RouteHandlerBuilder MapBulkContinueEndpoint(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/api/jobs/continue", ContinueAsync).RequireAuthorization(ApiPolicies.Operate).WithTags("Jobs").WithName("ContinueJobs")
            .WithSummary("Continue every Failed job matching a filter from the task it failed on")
            .Accepts<BulkContinueRequest>("application/json").Produces<BulkContinueResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    static async Task<Results<Ok<BulkContinueResult>, ProblemHttpResult>> ContinueAsync(
        HttpContext http, IRequestClient<ContinueJob> client, IDbContextFactory<QueueFlowDbContext> dbFactory,
        IOptions<ApiOptions> options, IOptions<HttpJsonOptions> json, CancellationToken cancellationToken)
    {
        if (BulkByFilter.IdempotencyKey(http.Request, out var key) is { } badKey)
            return badKey;
        var (request, bad) = await JsonBody.ReadAsync<BulkContinueRequest>(http.Request, options.Value.MaxRequestBodyBytes, json.Value.SerializerOptions, cancellationToken).ConfigureAwait(false);
        if (bad is not null)
            return bad;
        if (request!.Filter is not { } filter)
            return BulkByFilter.Invalid("$.filter", "filter is required: name the Failed jobs to continue (an empty filter {} takes every Failed job).");
        if (filter.Status is { } status && status != JobStatus.Failed)
            return BulkByFilter.Invalid("$.filter.status", $"filter.status must be Failed, not {status}: only a Failed job is continued.");
        if (BulkByFilter.Range(filter.From, filter.To) is { } badRange)
            return badRange;
        if (BulkByFilter.Limit(request.Limit, out var limit) is { } badLimit)
            return badLimit;
        (DateTimeOffset CreatedAt, Guid Id)? after = null;
        var scope = JobListQuery.Scope("continue", filter);
        if (request.Cursor is { } cursor && (after = Decode(cursor, scope, out var otherFilter)) is null)
            return BulkByFilter.InvalidCursor(otherFilter);

        List<(DateTimeOffset CreatedAt, Guid Id)> keys;
        var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            if (await ListQuery.UnknownWorkflowAsync(db, filter.Workflow, cancellationToken).ConfigureAwait(false) is not null)
                return BulkByFilter.UnknownWorkflow(filter.Workflow!);
            var query = (filter with { Status = JobStatus.Failed, From = filter.From?.ToUniversalTime(), To = filter.To?.ToUniversalTime() })
                .Apply(db.Jobs.AsNoTracking());
            if (after is { } last)
            {
                var (createdAt, id) = last;
                query = query.Where(j => EF.Functions.GreaterThan(ValueTuple.Create(j.CreatedAt, j.CorrelationId), ValueTuple.Create(createdAt, id)));
            }

            var rows = await query.OrderBy(j => j.CreatedAt).ThenBy(j => j.CorrelationId).Take(limit + 1)
                .Select(j => new { j.CreatedAt, j.CorrelationId }).ToListAsync(cancellationToken).ConfigureAwait(false);
            keys = [.. rows.Select(r => (r.CreatedAt, r.CorrelationId))];
        }

        var next = BulkByFilter.Page(keys, limit, last => Cursor.Encode(scope, last.CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture), last.Id.ToString()));
        var caller = http.User.Identity!.Name!;
        var timeout = options.Value.CommandTimeout;
        var items = await BulkByFilter.SendAsync(keys, async (row, ct) =>
            {
                var jobId = row.Id;
                var commandId = key.Length == 0 ? NewId.NextGuid() : CommandIds.FromIdempotencyKey($"{nameof(ContinueJob)}:{jobId}", caller, key);
                var outcome = (await client.GetResponse<CommandOutcome>(new ContinueJob { JobId = jobId, Reason = request.Reason, CommandId = commandId }, ct,
                    RequestTimeout.After(ms: (int)timeout.TotalMilliseconds)).ConfigureAwait(false)).Message;
                return new BulkCancelItem(jobId, outcome.Status.ToString(), outcome.JobStatus, outcome.Reason);
            },
            row => new BulkCancelItem(row.Id, BulkByFilter.TimeoutStatus, null, $"The job saga did not answer within {timeout.TotalSeconds:0} s; the continue may still be applied."),
            cancellationToken).ConfigureAwait(false);

        return TypedResults.Ok(new BulkContinueResult(items.Length, items.Count(i => i.Status == nameof(CommandStatus.Accepted)), items, next));
    }

    static (DateTimeOffset, Guid)? Decode(string cursor, string scope, out bool otherFilter) =>
        Cursor.Decode(cursor, 2, scope, out otherFilter) is [var ticks, var id]
        && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var utcTicks) && utcTicks <= DateTimeOffset.MaxValue.UtcTicks
        && Guid.TryParse(id, out var jobId)
            ? (new DateTimeOffset(utcTicks, TimeSpan.Zero), jobId)
            : null;
}
