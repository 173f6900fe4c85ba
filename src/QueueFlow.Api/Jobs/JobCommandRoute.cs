using MassTransit;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using QueueFlow.Api.Problems;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;
using QueueFlow.Persistence;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace QueueFlow.Api.Jobs;

/// <summary>
/// What every route that sends a command to one job does: find the job (and task) in PostgreSQL to answer 404,
/// read the optional body, send the command to the job saga over the bus and wait for its outcome. The API only
/// reads rows; the saga alone changes them.
/// </summary>
internal static class JobCommandRoute
{
    const int MaxIdempotencyKeyLength = 255;

    /// <summary>
    /// The command's id: derived from the caller's Idempotency-Key header when there is one, so a retried request is
    /// answered like the first and applied once, else a new one.
    /// </summary>
    public static (Guid CommandId, ProblemHttpResult? Problem) CommandId(HttpContext http, string command)
    {
        var key = http.Request.Headers[JobEndpoints.IdempotencyKeyHeader].ToString();
        if (key.Length > MaxIdempotencyKeyLength)
            return (Guid.Empty, ApiProblems.InvalidParameter(JobEndpoints.IdempotencyKeyHeader, $"{JobEndpoints.IdempotencyKeyHeader} must be at most {MaxIdempotencyKeyLength} characters."));
        return key.Length == 0 ? (NewId.NextGuid(), null) : (CommandIds.FromIdempotencyKey(command, http.User.Identity!.Name!, key), null);
    }

    /// <summary>The job id once the job is known to exist, else the 404.</summary>
    public static async Task<(Guid JobId, ProblemHttpResult? Problem)> FindJobAsync(string id, IDbContextFactory<QueueFlowDbContext> dbFactory, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var jobId))
            return (Guid.Empty, UnknownJob(id));

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.Jobs.AnyAsync(j => j.CorrelationId == jobId, cancellationToken).ConfigureAwait(false)
            ? (jobId, null)
            : (jobId, UnknownJob(id));
    }

    /// <summary>The task as last committed, else the 404 naming the job or the task that does not exist.</summary>
    public static async Task<(JobTask? Task, ProblemHttpResult? Problem)> FindTaskAsync(string id, string taskId, IDbContextFactory<QueueFlowDbContext> dbFactory, CancellationToken cancellationToken)
    {
        var (jobId, problem) = await FindJobAsync(id, dbFactory, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return (null, problem);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var task = await db.JobTasks.AsNoTracking().FirstOrDefaultAsync(t => t.JobId == jobId && t.TaskId == taskId, cancellationToken).ConfigureAwait(false);
        return task is null ? (null, ApiProblems.NotFound($"Job '{id}' has no task '{taskId}'.")) : (task, null);
    }

    /// <summary>The body when there is one: a bare POST (no content type, no length) is a command with no options.</summary>
    public static async Task<(T? Body, ProblemHttpResult? Problem)> ReadOptionalAsync<T>(HttpRequest request, long limit, HttpJsonOptions json, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength is null or 0 && request.ContentType is null)
            return (null, null);
        return await JsonBody.ReadAsync<T>(request, limit, json.SerializerOptions, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The saga's outcome, or the 504 when it did not answer within <paramref name="timeout"/>.</summary>
    public static async Task<(CommandOutcome? Outcome, ProblemHttpResult? Problem)> SendAsync<T>(IRequestClient<T> client, T command, TimeSpan timeout, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var response = await client.GetResponse<CommandOutcome>(command, cancellationToken, RequestTimeout.After(ms: (int)timeout.TotalMilliseconds)).ConfigureAwait(false);
            return (response.Message, null);
        }
        catch (RequestTimeoutException)
        {
            return (null, ApiProblems.SagaTimeout(timeout));
        }
    }

    /// <summary>An accepted outcome as 200 with the task's state after it; any other as its problem.</summary>
    public static async Task<Results<Ok<TaskControlled>, ProblemHttpResult>> AnswerAsync<T>(IRequestClient<T> client, T command, HttpContext http, TimeSpan timeout, CancellationToken cancellationToken)
        where T : class
    {
        var (outcome, problem) = await SendAsync(client, command, timeout, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return problem;
        return outcome!.Status == CommandStatus.Accepted
            ? TypedResults.Ok(new TaskControlled(outcome.Status, outcome.JobStatus, outcome.TaskId, outcome.TaskStatus, outcome.Duplicate))
            : ApiProblems.ForOutcome(outcome, http);
    }

    public static ProblemHttpResult UnknownJob(string id) => ApiProblems.NotFound($"No job has the id '{id}'.");
}
