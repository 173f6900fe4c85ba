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
    public const int DefaultLimit = 100;

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
        var key = http.Request.Headers[JobEndpoints.IdempotencyKeyHeader].ToString();
        if (key.Length > 255)
            return ApiProblems.InvalidParameter(JobEndpoints.IdempotencyKeyHeader, $"{JobEndpoints.IdempotencyKeyHeader} must be at most 255 characters.");
        var (request, bad) = await JsonBody.ReadAsync<BulkContinueRequest>(http.Request, options.Value.MaxRequestBodyBytes, json.Value.SerializerOptions, cancellationToken).ConfigureAwait(false);
        if (bad is not null)
            return bad;
        if (request!.Filter is not { } filter)
            return Invalid("$.filter", "filter is required: name the Failed jobs to continue (an empty filter {} takes every Failed job).");
        if (filter.Status is { } status && status != JobStatus.Failed)
            return Invalid("$.filter.status", $"filter.status must be Failed, not {status}: only a Failed job is continued.");
        if (filter.From is { } from && filter.To is { } to && from >= to)
            return Invalid("$.filter.to", "filter.to must be later than filter.from.");
        var limit = request.Limit ?? DefaultLimit;
        if (limit is < 1 or > JobControlEndpoints.MaxBulkIds)
            return Invalid("$.limit", $"limit must be from 1 to {JobControlEndpoints.MaxBulkIds}, not {limit}.");
        (DateTimeOffset CreatedAt, Guid Id)? after = null;
        var scope = JobListQuery.Scope("continue", filter);
        if (request.Cursor is { } cursor && (after = Decode(cursor, scope, out var otherFilter)) is null)
            return Invalid("$.cursor", otherFilter
                ? "cursor was returned for another filter; pass it with the same filter it came with, or start again without a cursor."
                : "cursor is not one this API returned; pass nextCursor from the previous answer unchanged.");

        List<(DateTimeOffset CreatedAt, Guid Id)> keys;
        var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            if (await ListQuery.UnknownWorkflowAsync(db, filter.Workflow, cancellationToken).ConfigureAwait(false) is not null)
                return Invalid("$.filter.workflow", $"No workflow is registered under the name '{filter.Workflow}'.");
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

        string? next = null;
        if (keys.Count > limit)
        {
            keys.RemoveRange(limit, keys.Count - limit);
            next = Cursor.Encode(scope, keys[^1].CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture), keys[^1].Id.ToString());
        }

        var caller = http.User.Identity!.Name!;
        var timeout = options.Value.CommandTimeout;
        var items = new BulkCancelItem[keys.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, keys.Count), new ParallelOptions { MaxDegreeOfParallelism = BulkCancel.Degree, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var jobId = keys[i].Id;
            var commandId = key.Length == 0 ? NewId.NextGuid() : CommandIds.FromIdempotencyKey($"{nameof(ContinueJob)}:{jobId}", caller, key);
            try
            {
                var outcome = (await client.GetResponse<CommandOutcome>(new ContinueJob { JobId = jobId, Reason = request.Reason, CommandId = commandId }, ct,
                    RequestTimeout.After(ms: (int)timeout.TotalMilliseconds)).ConfigureAwait(false)).Message;
                items[i] = new BulkCancelItem(jobId, outcome.Status.ToString(), outcome.JobStatus, outcome.Reason);
            }
            catch (RequestTimeoutException)
            {
                items[i] = new BulkCancelItem(jobId, BulkCancel.TimeoutStatus, null, $"The job saga did not answer within {timeout.TotalSeconds:0} s; the continue may still be applied.");
            }
        }).ConfigureAwait(false);

        return TypedResults.Ok(new BulkContinueResult(items.Length, items.Count(i => i.Status == nameof(CommandStatus.Accepted)), items, next));
    }

    static (DateTimeOffset, Guid)? Decode(string cursor, string scope, out bool otherFilter) =>
        Cursor.Decode(cursor, 2, scope, out otherFilter) is [var ticks, var id]
        && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var utcTicks) && utcTicks <= DateTimeOffset.MaxValue.UtcTicks
        && Guid.TryParse(id, out var jobId)
            ? (new DateTimeOffset(utcTicks, TimeSpan.Zero), jobId)
            : null;

    static ProblemHttpResult Invalid(string path, string detail) =>
        ApiProblems.BadRequest(detail, new Dictionary<string, object?> { ["path"] = path });
}
