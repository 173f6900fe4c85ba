using System.Security.Claims;
using System.Text.Json;
using MassTransit;
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
using QueueFlow.Contracts;
using QueueFlow.Core.Workflows;
using QueueFlow.Persistence;
using QueueFlow.Persistence.Idempotency;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace QueueFlow.Api.Jobs;

/// <summary>
/// <c>/api/jobs</c>: starting a job goes to the job saga as a StartJob command and answers its outcome; reads
/// come from PostgreSQL. The API never writes a job row.
/// </summary>
public static class JobEndpoints
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    const int MaxIdempotencyKeyLength = 255;

    public static RouteGroupBuilder MapJobEndpoints(this IEndpointRouteBuilder routes)
    {
        var jobs = routes.MapGroup("/api/jobs").WithTags("Jobs");
        jobs.MapPost("/", StartAsync).RequireAuthorization(ApiPolicies.Operate)
            .Accepts<StartJobRequest>("application/json").WithName("StartJob").WithSummary("Start a job of a registered workflow")
            .WithParameters(DeclaredParameter.Header(JobEndpoints.IdempotencyKeyHeader, "Makes a retried request the same command: the same key with the same request is answered like the first (at most 255 characters).")).WithProblems(422);
        jobs.MapGet("/", ListAsync).RequireAuthorization(ApiPolicies.Read).WithName("ListJobs").WithSummary("List jobs, filtered, a page at a time")
            .WithParameters(JobFilterQuery.StatusParameter, JobFilterQuery.WorkflowParameter, JobFilterQuery.FromParameter, JobFilterQuery.ToParameter, JobFilterQuery.SortParameter, ListQuery.LimitParameter, ListQuery.CursorParameter);
        jobs.MapGet("/{id}", GetAsync).RequireAuthorization(ApiPolicies.Read).WithName("GetJob").WithSummary("Read a job with its tasks, errors and metrics");
        jobs.MapGet("/{id}/history", HistoryAsync).RequireAuthorization(ApiPolicies.Read).WithName("GetJobHistory").WithSummary("Read a job's history, a page at a time")
            .WithParameters(ListQuery.LimitParameter, ListQuery.CursorParameter, DeclaredParameter.Query("after", "Entries after this history sequence number (0 or more); not with cursor.", "integer", "int64"));
        return jobs;
    }

    static async Task<Results<Created<JobCreated>, Ok<JobCreated>, ProblemHttpResult>> StartAsync(
        HttpContext http, IRequestClient<StartJob> client, IDbContextFactory<QueueFlowDbContext> dbFactory, TimeProvider time,
        IOptions<ApiOptions> options, IOptions<HttpJsonOptions> json, CancellationToken cancellationToken)
    {
        var idempotencyKey = http.Request.Headers[IdempotencyKeyHeader].ToString();
        if (idempotencyKey.Length > MaxIdempotencyKeyLength)
            return ApiProblems.InvalidParameter(IdempotencyKeyHeader, $"{IdempotencyKeyHeader} must be at most {MaxIdempotencyKeyLength} characters.");

        var (request, problem) = await JsonBody.ReadAsync<StartJobRequest>(http.Request, options.Value.MaxRequestBodyBytes, json.Value.SerializerOptions, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return problem;
        if (string.IsNullOrWhiteSpace(request!.Workflow))
            return ApiProblems.BadRequest("workflow must name a registered workflow.", new Dictionary<string, object?> { ["path"] = "$.workflow" });
        if (request.Workflow.Length > WorkflowParser.MaxNameLength)
        {
            return ApiProblems.BadRequest($"workflow must be at most {WorkflowParser.MaxNameLength} characters, not {request.Workflow.Length}: no workflow has a longer name.",
                new Dictionary<string, object?> { ["path"] = "$.workflow" });
        }

        if (request.Version is < 1)
            return ApiProblems.BadRequest($"version must be 1 or more, not {request.Version}.", new Dictionary<string, object?> { ["path"] = "$.version" });
        if (request.Variables is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) })
            return ApiProblems.BadRequest($"variables must be a JSON object, not {request.Variables.Value.ValueKind}.", new Dictionary<string, object?> { ["path"] = "$.variables" });

        var caller = http.User.Identity!.Name!;
        var jobId = idempotencyKey.Length > 0 ? JobIds.FromIdempotencyKey(caller, idempotencyKey) : NewId.NextGuid();
        if (idempotencyKey.Length > 0
            && await ClaimIdempotencyKeyAsync(caller, idempotencyKey, RequestFingerprint.Of(request, json.Value.SerializerOptions), jobId, dbFactory, time, cancellationToken)
                .ConfigureAwait(false) is { } reused)
            return reused;

        var command = new StartJob
        {
            JobId = jobId,
            Workflow = request.Workflow,
            Version = request.Version,
            Variables = request.Variables is { ValueKind: JsonValueKind.Object } variables ? variables : null,
            ScheduledAt = request.ScheduledAt,
            Owner = caller,
        };

        CommandOutcome outcome;
        try
        {
            var timeout = RequestTimeout.After(ms: (int)options.Value.CommandTimeout.TotalMilliseconds);
            outcome = (await client.GetResponse<CommandOutcome>(command, cancellationToken, timeout).ConfigureAwait(false)).Message;
        }
        catch (RequestTimeoutException)
        {
            return ApiProblems.SagaTimeout(options.Value.CommandTimeout);
        }

        if (outcome.Status != CommandStatus.Accepted)
            return ApiProblems.ForOutcome(outcome, http);

        // A replay of an Idempotency-Key is 200 with the same body: the job exists, this request created nothing.
        var body = new JobCreated(jobId);
        return outcome.Duplicate
            ? TypedResults.Ok(body)
            : TypedResults.Created($"/api/jobs/{jobId}", body);
    }

    /// <summary>
    /// Records the key with the request's fingerprint the first time, before StartJob is sent, so a retry after a
    /// crash in between finds it and sends StartJob again (the job id comes from the key; the saga starts one job).
    /// The same key with another request is refused with 422, as the IETF Idempotency-Key draft says, naming the
    /// job the key already stands for; concurrent first uses settle on one stored fingerprint.
    /// </summary>
    static async Task<ProblemHttpResult?> ClaimIdempotencyKeyAsync(
        string caller, string key, byte[] fingerprint, Guid jobId, IDbContextFactory<QueueFlowDbContext> dbFactory, TimeProvider time, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var stored = await IdempotencyKeys.ClaimAsync(db, new IdempotencyKey
        {
            Caller = caller,
            Key = key,
            RequestHash = fingerprint,
            JobId = jobId,
            CreatedAt = time.GetUtcNow(),
        }, cancellationToken).ConfigureAwait(false);
        if (stored.RequestHash.AsSpan().SequenceEqual(fingerprint))
            return null;
        return TypedResults.Problem(
            $"The {IdempotencyKeyHeader} '{key}' was first sent with a different request (for job {stored.JobId}); " +
            "send a new key for a new request.",
            statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused with a different request",
            extensions: new Dictionary<string, object?> { ["jobId"] = stored.JobId, ["parameter"] = IdempotencyKeyHeader });
    }

    static async Task<Results<Ok<JobDocument>, ProblemHttpResult>> GetAsync(
        string id, IDbContextFactory<QueueFlowDbContext> dbFactory, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var jobId))
            return UnknownJob(id);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var job = await db.Jobs.AsNoTracking().Include(j => j.Tasks).FirstOrDefaultAsync(j => j.CorrelationId == jobId, cancellationToken).ConfigureAwait(false);
        return job is null ? UnknownJob(id) : TypedResults.Ok(JobDocument.From(job, time.GetUtcNow()));
    }

    /// <summary>In sequence order, a page at a time; see <see cref="HistoryQuery"/>.</summary>
    static async Task<Results<Ok<Page<HistoryEntryDocument>>, ProblemHttpResult>> HistoryAsync(
        string id, HttpRequest request, IDbContextFactory<QueueFlowDbContext> dbFactory, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var jobId))
            return UnknownJob(id);
        if (ListQuery.Limit(request, out var limit) is { } badLimit)
            return badLimit;
        if (HistoryQuery.After(request, jobId, out var after) is { } badAfter)
            return badAfter;

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        if (!await db.Jobs.AnyAsync(j => j.CorrelationId == jobId, cancellationToken).ConfigureAwait(false))
            return UnknownJob(id);

        var rows = await HistoryQuery.Build(db, jobId, after, limit + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(ListQuery.ToPage(rows, limit, last => HistoryQuery.Encode(jobId, last)));
    }

    /// <summary>Ordered by (created_at, id), oldest or newest first: stable, and the cursor is the last row's pair. The query is <see cref="JobListQuery"/>.</summary>
    static async Task<Results<Ok<Page<JobSummary>>, ProblemHttpResult>> ListAsync(
        HttpRequest request, IDbContextFactory<QueueFlowDbContext> dbFactory, CancellationToken cancellationToken)
    {
        if (JobFilterQuery.Parse(request, out var filter) is { } badFilter)
            return badFilter;
        if (ListQuery.Limit(request, out var limit) is { } badLimit)
            return badLimit;
        if (ListQuery.Enum<JobListSort>(request, "sort", out var chosenSort) is { } badSort)
            return badSort;
        var sort = chosenSort ?? JobListSort.Oldest;
        JobKey? after = null;
        if (ListQuery.Text(request, "cursor") is { } cursor && (after = JobListQuery.Decode(cursor, filter, out var otherFilter, sort)) is null)
            return ListQuery.InvalidCursor(otherFilter);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        if (await ListQuery.UnknownWorkflowAsync(db, filter.Workflow, cancellationToken).ConfigureAwait(false) is { } unknown)
            return unknown;
        var rows = await JobListQuery.Build(db, filter, after, limit + 1, sort).ToListAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(ListQuery.ToPage(rows, limit, last => JobListQuery.Encode(last, filter, sort)));
    }

    static ProblemHttpResult UnknownJob(string id) => ApiProblems.NotFound($"No job has the id '{id}'.");
}
