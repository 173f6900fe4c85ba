using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;
using static QueueFlow.IntegrationTests.Api.JobRoutes;

namespace QueueFlow.IntegrationTests.Api;

/// <summary>Retry every Failed task of a filter over HTTP, a page per request with a moving cursor, against the real services.</summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_failed_tasks_are_retried_by_filter(ApiFactory api, QueueFlowFixture fixture) : IClassFixture<ApiFactory>
{
    const int Jobs = 500;

    [Fact]
    public async Task Should_report_and_retry_all_500_failed_tasks_of_the_filter_and_none_other()
    {
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var name = await ApiCalls.RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique("bulk-retry"), 1));
        var ids = Enumerable.Range(0, Jobs).Select(_ => Guid.NewGuid()).ToArray();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, _) =>
            Assert.Equal(CommandStatus.Accepted, (await SendAsync(api, new StartJob { JobId = id, Workflow = name })).Status));

        // Every job's t1 fails for good, but one: its error does not match the filter's text.
        var attempts = await AttemptsAsync(ids);
        await Parallel.ForEachAsync(ids.Index(), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (job, _) =>
        {
            var error = job.Index == 0 ? "disk full" : $"warehouse {job.Index} unreachable";
            Assert.Equal(CommandStatus.Accepted, (await SendAsync(api, new FailTask { JobId = job.Item, TaskId = "t1", AttemptId = attempts[job.Item], Error = error, Terminal = true })).Status);
        });
        var matching = ids.Skip(1).ToHashSet();

        var (matched, retried, requests) = (0, 0, 0);
        string? cursor = null;
        do
        {
            var cursorField = cursor is null ? string.Empty : $""", "cursor": "{cursor}" """;
            var answer = await PostOkAsync(@operator, "/api/tasks/retry",
                $$"""{ "filter": { "workflow": "{{name}}", "error": "WAREHOUSE", "status": "Failed" }, "limit": 200, "reason": "warehouse is back"{{cursorField}} }""");
            matched += answer.GetProperty("matched").GetInt32();
            retried += answer.GetProperty("retried").GetInt32();
            Assert.All(answer.GetProperty("items").EnumerateArray(), i => Assert.Contains(i.GetProperty("jobId").GetGuid(), matching));
            cursor = answer.GetProperty("nextCursor").GetString();
            requests++;
        }
        while (cursor is not null);

        Assert.Equal((Jobs - 1, Jobs - 1, 3), (matched, retried, requests));
        await using var db = fixture.Worker.CreateDbContext();
        var tasks = await db.JobTasks.AsNoTracking().Where(t => ids.Contains(t.JobId)).ToListAsync();
        Assert.All(tasks.Where(t => matching.Contains(t.JobId)), t => Assert.Equal((TaskRunStatus.Running, 2), (t.Status, t.Attempt)));
        Assert.Equal(TaskRunStatus.Failed, tasks.Single(t => t.JobId == ids[0]).Status);
    }

    [Fact]
    public async Task Should_apply_a_request_sent_again_with_the_same_idempotency_key_once_and_refuse_bad_filters()
    {
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var name = await ApiCalls.RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique("bulk-retry-key"), 1));
        var id = Guid.NewGuid();
        await SendAsync(api, new StartJob { JobId = id, Workflow = name });
        var attempt = (await AttemptsAsync([id]))[id];
        await SendAsync(api, new FailTask { JobId = id, TaskId = "t1", AttemptId = attempt, Error = "boom", Terminal = true });
        var body = $$"""{ "filter": { "workflow": "{{name}}" } }""";

        var first = await RetryWithKeyAsync(@operator, body, "retry-all-1");
        var again = await RetryWithKeyAsync(@operator, body, "retry-all-1");

        Assert.Equal((1, 1), (first.GetProperty("matched").GetInt32(), first.GetProperty("retried").GetInt32()));
        Assert.Equal(0, again.GetProperty("matched").GetInt32());
        Assert.Equal(2, (await fixture.FindJobAsync(id))!.Tasks.Single().Attempt);

        await PostProblemAsync(@operator, "/api/tasks/retry", """{ "filter": { "status": "Running" } }""", HttpStatusCode.BadRequest);
        await PostProblemAsync(@operator, "/api/tasks/retry", """{ "filter": { "workflow": "no-such-workflow" } }""", HttpStatusCode.BadRequest);
        await PostProblemAsync(@operator, "/api/tasks/retry", """{ "limit": 5 }""", HttpStatusCode.BadRequest);
        await PostProblemAsync(@operator, "/api/tasks/retry", """{ "filter": {}, "cursor": "nope" }""", HttpStatusCode.BadRequest);
        using var reader = api.ClientWith(ApiFactory.ReaderKey);
        using var forbidden = await reader.PostAsync(new Uri("/api/tasks/retry", UriKind.Relative), ApiCalls.Json(body));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task Should_continue_every_failed_job_of_the_filter_page_by_page()
    {
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var name = await ApiCalls.RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique("bulk-continue"), 1));
        var ids = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToArray();
        foreach (var id in ids)
            await SendAsync(api, new StartJob { JobId = id, Workflow = name });
        var attempts = await AttemptsAsync(ids);
        foreach (var id in ids)
            await SendAsync(api, new FailTask { JobId = id, TaskId = "t1", AttemptId = attempts[id], Error = "boom", Terminal = true });
        foreach (var id in ids)
            await fixture.WaitForJobAsync(id, JobStatus.Failed);

        var first = await PostOkAsync(@operator, "/api/jobs/continue", $$"""{ "filter": { "workflow": "{{name}}" }, "limit": 2, "reason": "fixed" }""");
        var second = await PostOkAsync(@operator, "/api/jobs/continue",
            $$"""{ "filter": { "workflow": "{{name}}" }, "limit": 2, "cursor": "{{first.GetProperty("nextCursor").GetString()}}" }""");

        Assert.Equal((2, 2, 1, 1), (first.GetProperty("matched").GetInt32(), first.GetProperty("continued").GetInt32(),
            second.GetProperty("matched").GetInt32(), second.GetProperty("continued").GetInt32()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
        foreach (var id in ids)
            await fixture.WaitForJobAsync(id, JobStatus.Running);
        await PostProblemAsync(@operator, "/api/jobs/continue", """{ "filter": { "status": "Running" } }""", HttpStatusCode.BadRequest);
    }

    static async Task<JsonElement> RetryWithKeyAsync(HttpClient client, string body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/tasks/retry", UriKind.Relative)) { Content = ApiCalls.Json(body) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ApiCalls.BodyAsync(response);
    }

    /// <summary>Each job's running t1 attempt, once every job has one.</summary>
    async Task<Dictionary<Guid, Guid>> AttemptsAsync(Guid[] ids) =>
        await Eventually.Until(async () =>
        {
            await using var db = fixture.Worker.CreateDbContext();
            return await db.JobTasks.AsNoTracking().Where(t => ids.Contains(t.JobId) && t.AttemptId != null).ToDictionaryAsync(t => t.JobId, t => t.AttemptId!.Value);
        }, attempts => attempts.Count == ids.Length, $"t1 of {ids.Length} jobs to be running");
}
