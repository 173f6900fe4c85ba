using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using QueueFlow.Api.Paging;
using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;
using static QueueFlow.IntegrationTests.Api.JobRoutes;

namespace QueueFlow.IntegrationTests.Api;

/// <summary>
/// The counts a bulk cancel or retry shows before it runs (POST /api/jobs/cancel/count, POST /api/tasks/retry/count),
/// and a retry narrowed to the jobs a list shows (their statuses and creation time), against the real services.
/// </summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_bulk_action_is_counted_first(ApiFactory api, QueueFlowFixture fixture) : IClassFixture<ApiFactory>
{
    static readonly DateTimeOffset LongAgo = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Should_count_what_a_retry_and_a_cancel_would_take_and_retry_only_the_failed_tasks_of_the_listed_jobs()
    {
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        using var reader = api.ClientWith(ApiFactory.ReaderKey);
        var name = await ApiCalls.RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique("bulk-count"), 1));
        var ids = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToArray();
        foreach (var id in ids)
            Assert.Equal(CommandStatus.Accepted, (await SendAsync(api, new StartJob { JobId = id, Workflow = name })).Status);
        var attempts = await Eventually.Until(async () =>
        {
            await using var db = fixture.Worker.CreateDbContext();
            return await db.JobTasks.AsNoTracking().Where(t => ids.Contains(t.JobId) && t.AttemptId != null).ToDictionaryAsync(t => t.JobId, t => t.AttemptId!.Value);
        }, found => found.Count == ids.Length, "t1 of 3 jobs to be running");
        foreach (var id in ids)
            Assert.Equal(CommandStatus.Accepted, (await SendAsync(api, new FailTask { JobId = id, TaskId = "t1", AttemptId = attempts[id], Error = "boom", Terminal = true })).Status);
        foreach (var id in ids)
            await fixture.WaitForJobAsync(id, JobStatus.Failed);

        // The first job was created long ago (a finished job gets no more messages, so its row is the test's to change);
        // its task failed just now like the others'.
        await using (var db = fixture.Worker.CreateDbContext())
            await db.Jobs.Where(j => j.CorrelationId == ids[0]).ExecuteUpdateAsync(j => j.SetProperty(x => x.CreatedAt, LongAgo));

        Assert.Equal((3, false), await RetryCountAsync(reader, $$"""{ "workflow": "{{name}}" }"""));
        Assert.Equal((2, false), await RetryCountAsync(reader, $$"""{ "workflow": "{{name}}", "createdFrom": "2025-01-01T00:00:00Z" }"""));
        Assert.Equal((1, false), await RetryCountAsync(reader, $$"""{ "workflow": "{{name}}", "jobStatuses": ["Failed", "Running"], "createdTo": "2021-01-01T00:00:00Z" }"""));
        Assert.Equal((0, false), await RetryCountAsync(reader, $$"""{ "workflow": "{{name}}", "jobStatuses": ["Running", "Paused"] }"""));
        // from and to are when the task ended, not when its job was created: all three ended just now.
        Assert.Equal((3, false), await RetryCountAsync(reader, $$"""{ "workflow": "{{name}}", "from": "2025-01-01T00:00:00Z" }"""));
        Assert.Equal((0, false), await CancelCountAsync(reader, $$"""{ "workflow": "{{name}}" }"""));

        var retried = await PostOkAsync(@operator, "/api/tasks/retry",
            $$"""{ "filter": { "workflow": "{{name}}", "jobStatuses": ["Failed"], "createdFrom": "2025-01-01T00:00:00Z" }, "reason": "the listed jobs only" }""");
        Assert.Equal((2, 2), (retried.GetProperty("matched").GetInt32(), retried.GetProperty("retried").GetInt32()));
        Assert.DoesNotContain(retried.GetProperty("items").EnumerateArray(), i => i.GetProperty("jobId").GetGuid() == ids[0]);
        await fixture.WaitForJobAsync(ids[1], JobStatus.Running);
        await fixture.WaitForJobAsync(ids[2], JobStatus.Running);
        Assert.Equal(TaskRunStatus.Failed, (await fixture.FindJobAsync(ids[0]))!.Tasks.Single().Status);

        Assert.Equal((1, false), await RetryCountAsync(reader, $$"""{ "workflow": "{{name}}" }"""));
        Assert.Equal((2, false), await CancelCountAsync(reader, $$"""{ "workflow": "{{name}}" }"""));
        Assert.Equal((2, false), await CancelCountAsync(reader, $$"""{ "workflow": "{{name}}", "status": "Running" }"""));
        Assert.Equal((0, false), await CancelCountAsync(reader, $$"""{ "workflow": "{{name}}", "status": "Paused" }"""));
        Assert.Equal((0, false), await CancelCountAsync(reader, $$"""{ "workflow": "{{name}}", "to": "2021-01-01T00:00:00Z" }"""));
        var cancelled = await PostOkAsync(@operator, "/api/jobs/cancel", $$"""{ "filter": { "workflow": "{{name}}" }, "reason": "counted first" }""");
        Assert.Equal(2, cancelled.GetProperty("cancelled").GetInt32());
        Assert.Equal((0, false), await CancelCountAsync(reader, $$"""{ "workflow": "{{name}}" }"""));
    }

    [Fact]
    public async Task Should_refuse_a_count_whose_filter_the_action_would_refuse()
    {
        using var reader = api.ClientWith(ApiFactory.ReaderKey);
        await ProblemAtAsync(reader, "/api/tasks/retry/count", """{ "filter": { "status": "Running" } }""", "$.filter.status");
        await ProblemAtAsync(reader, "/api/tasks/retry/count", """{ "filter": { "createdFrom": "2026-01-02T00:00:00Z", "createdTo": "2026-01-01T00:00:00Z" } }""", "$.filter.createdTo");
        await ProblemAtAsync(reader, "/api/tasks/retry/count", """{ "filter": { "workflow": "no-such-workflow" } }""", "$.filter.workflow");
        await ProblemAtAsync(reader, "/api/tasks/retry/count", """{ "filter": { "jobStatuses": ["Sleeping"] } }""", null);
        await ProblemAtAsync(reader, "/api/tasks/retry/count", """{ }""", "$.filter");
        await ProblemAtAsync(reader, "/api/jobs/cancel/count", """{ "filter": { "status": "Completed" } }""", "$.filter.status");
        await ProblemAtAsync(reader, "/api/jobs/cancel/count", """{ "filter": { "from": "2026-01-02T00:00:00Z", "to": "2026-01-01T00:00:00Z" } }""", "$.filter.to");
        await ProblemAtAsync(reader, "/api/jobs/cancel/count", """{ "filter": { }, "limit": 5 }""", null);
        await ProblemAtAsync(reader, "/api/jobs/cancel/count", """{ "filter": { "status": "Running" """, null);

        using var anonymous = api.CreateClient();
        using var refused = await anonymous.PostAsync(new Uri("/api/jobs/cancel/count", UriKind.Relative), ApiCalls.Json("""{ "filter": {} }"""));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Should_stop_counting_at_the_cap_and_say_there_are_more()
    {
        await using var db = fixture.Worker.CreateDbContext();
        IQueryable<int> Five() => db.Database.SqlQueryRaw<int>("SELECT generate_series(1, 5) AS \"Value\"");

        Assert.Equal(new BulkCount(2, true), await BulkByFilter.CountAsync(Five(), CancellationToken.None, cap: 2));
        Assert.Equal(new BulkCount(4, true), await BulkByFilter.CountAsync(Five(), CancellationToken.None, cap: 4));
        Assert.Equal(new BulkCount(5, false), await BulkByFilter.CountAsync(Five(), CancellationToken.None, cap: 5));
        Assert.Equal(new BulkCount(5, false), await BulkByFilter.CountAsync(Five(), CancellationToken.None));
    }

    static async Task<(int Count, bool More)> RetryCountAsync(HttpClient client, string filter) =>
        Read(await PostOkAsync(client, "/api/tasks/retry/count", $$"""{ "filter": {{filter}} }"""));

    static async Task<(int Count, bool More)> CancelCountAsync(HttpClient client, string filter) =>
        Read(await PostOkAsync(client, "/api/jobs/cancel/count", $$"""{ "filter": {{filter}} }"""));

    static (int Count, bool More) Read(JsonElement answer) => (answer.GetProperty("count").GetInt32(), answer.GetProperty("more").GetBoolean());

    static async Task ProblemAtAsync(HttpClient client, string route, string body, string? path)
    {
        var problem = await PostProblemAsync(client, route, body, HttpStatusCode.BadRequest);
        if (path is not null)
            Assert.Equal(path, problem.GetProperty("path").GetString());
    }
}
