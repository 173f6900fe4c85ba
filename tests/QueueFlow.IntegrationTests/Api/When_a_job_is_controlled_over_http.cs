using System.Net;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;
using static QueueFlow.IntegrationTests.Api.ApiCalls;

namespace QueueFlow.IntegrationTests.Api;

/// <summary>Pause, resume and cancel over HTTP, each a command the saga answers, against the real services.</summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_job_is_controlled_over_http(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Should_hold_the_next_task_while_paused_and_dispatch_it_on_resume()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var id = await StartChainAsync(@operator, "api-pause");
        var t1 = await TaskWhenAsync(@operator, id, "t1", "Running");

        var paused = await PostAsync(@operator, $"/api/jobs/{id}/pause", """{"reason":"maintenance"}""");
        Assert.Equal("Accepted", paused.GetProperty("status").GetString());
        Assert.Equal("Paused", paused.GetProperty("jobStatus").GetString());

        // The attempt that was running when the job paused may still finish; what follows it waits.
        await CompleteAsync(id, "t1", t1.GetProperty("attemptId").GetGuid());
        var t2 = await TaskWhenAsync(@operator, id, "t2", "Scheduled");
        Assert.Equal(0, t2.GetProperty("attempt").GetInt32());
        Assert.Equal("Paused", (await JobAsync(@operator, id)).GetProperty("status").GetString());

        var resumed = await PostAsync(@operator, $"/api/jobs/{id}/resume", null);
        Assert.Equal("Running", resumed.GetProperty("jobStatus").GetString());
        t2 = await TaskWhenAsync(@operator, id, "t2", "Running");
        Assert.Equal(1, t2.GetProperty("attempt").GetInt32());
    }

    [Fact]
    public async Task Should_answer_a_cancel_retried_with_its_idempotency_key_like_the_first()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var id = await StartChainAsync(@operator, "api-cancel-retried");
        await TaskWhenAsync(@operator, id, "t1", "Running");

        async Task<(HttpStatusCode Status, JsonElement Body)> CancelAsync(string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/jobs/{id}/cancel", UriKind.Relative));
            request.Headers.Add("Idempotency-Key", key);
            using var response = await @operator.SendAsync(request);
            return (response.StatusCode, await BodyAsync(response));
        }

        var first = await CancelAsync("cancel-once");
        var retried = await CancelAsync("cancel-once");
        var another = await CancelAsync("cancel-twice");

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, retried.Status);
        Assert.Equal("Cancelled", retried.Body.GetProperty("jobStatus").GetString());

        // A new request (another key) to cancel a cancelled job is refused; only the retry is the same command.
        Assert.Equal(HttpStatusCode.Conflict, another.Status);
    }

    [Fact]
    public async Task Should_cancel_a_job_and_its_running_task_and_abort_a_late_completion()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var id = await StartChainAsync(@operator, "api-cancel");
        var t1 = await TaskWhenAsync(@operator, id, "t1", "Running");

        var cancelled = await PostAsync(@operator, $"/api/jobs/{id}/cancel", """{"reason":"not needed"}""");
        Assert.Equal("Cancelled", cancelled.GetProperty("jobStatus").GetString());
        var job = await JobAsync(@operator, id);
        Assert.Equal("Cancelled", job.GetProperty("status").GetString());
        Assert.Equal("Cancelled", TaskOf(job, "t1").GetProperty("status").GetString());

        var client = api.Services.GetRequiredService<IClientFactory>().CreateRequestClient<CompleteTask>();
        var late = await client.GetResponse<CommandOutcome>(new CompleteTask { JobId = id, TaskId = "t1", AttemptId = t1.GetProperty("attemptId").GetGuid() });
        Assert.Equal(CommandStatus.Aborted, late.Message.Status);

        using var again = await @operator.PostAsync(new Uri($"/api/jobs/{id}/resume", UriKind.Relative), null);
        var problem = await AssertProblemAsync(again, HttpStatusCode.Conflict);
        Assert.Equal("Aborted", problem.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Should_answer_409_when_resuming_a_job_that_is_not_paused()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var id = await StartChainAsync(@operator, "api-resume-running");

        using var response = await @operator.PostAsync(new Uri($"/api/jobs/{id}/resume", UriKind.Relative), null);

        var problem = await AssertProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal("Rejected", problem.GetProperty("outcome").GetString());
        Assert.Contains("not paused", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_cancel_jobs_in_bulk_with_one_outcome_per_id()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var ids = new[]
        {
            await StartChainAsync(@operator, "api-bulk"),
            await StartChainAsync(@operator, "api-bulk"),
            await StartChainAsync(@operator, "api-bulk"),
        };
        var unknown = Guid.NewGuid();

        var body = await PostAsync(@operator, "/api/jobs/cancel", JsonSerializer.Serialize(new { ids = ids.Append(unknown) }));

        var items = body.EnumerateArray().ToList();
        Assert.Equal([.. ids, unknown], items.Select(i => i.GetProperty("id").GetGuid()));
        Assert.All(items.Take(3), i => Assert.Equal(("Accepted", "Cancelled"), (i.GetProperty("status").GetString(), i.GetProperty("jobStatus").GetString())));
        Assert.Equal("Rejected", items[3].GetProperty("status").GetString());
        foreach (var id in ids)
            Assert.Equal("Cancelled", (await JobAsync(@operator, id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Should_refuse_a_bulk_cancel_of_more_than_the_limit()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var ids = Enumerable.Range(0, 1001).Select(_ => Guid.NewGuid());

        using var response = await @operator.PostAsync(new Uri("/api/jobs/cancel", UriKind.Relative), Json(JsonSerializer.Serialize(new { ids })));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("$.ids", problem.GetProperty("path").GetString());
    }

    [Fact]
    public async Task Should_forbid_a_reader()
    {
        using var reader = api.ClientWith(ApiFactory.ReaderKey);

        foreach (var route in new[] { $"/api/jobs/{Guid.NewGuid()}/pause", $"/api/jobs/{Guid.NewGuid()}/resume", $"/api/jobs/{Guid.NewGuid()}/cancel" })
        {
            using var response = await reader.PostAsync(new Uri(route, UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        using var bulk = await reader.PostAsync(new Uri("/api/jobs/cancel", UriKind.Relative), Json("""{"ids":[]}"""));
        Assert.Equal(HttpStatusCode.Forbidden, bulk.StatusCode);
    }

    [Fact]
    public async Task Should_answer_404_for_an_unknown_job()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);

        using var response = await @operator.PostAsync(new Uri($"/api/jobs/{Guid.NewGuid()}/pause", UriKind.Relative), null);
        using var notAnId = await @operator.PostAsync(new Uri("/api/jobs/not-an-id/cancel", UriKind.Relative), null);

        await AssertProblemAsync(response, HttpStatusCode.NotFound);
        await AssertProblemAsync(notAnId, HttpStatusCode.NotFound);
    }

    async Task<Guid> StartChainAsync(HttpClient @operator, string prefix)
    {
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        var name = await RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique(prefix), 2));
        return await StartAsync(@operator, $$"""{"workflow":"{{name}}"}""");
    }

    async Task CompleteAsync(Guid jobId, string taskId, Guid attemptId)
    {
        var client = api.Services.GetRequiredService<IClientFactory>().CreateRequestClient<CompleteTask>();
        var outcome = await client.GetResponse<CommandOutcome>(new CompleteTask { JobId = jobId, TaskId = taskId, AttemptId = attemptId });
        Assert.Equal(CommandStatus.Accepted, outcome.Message.Status);
    }

    static async Task<JsonElement> PostAsync(HttpClient client, string route, string? body)
    {
        using var response = await client.PostAsync(new Uri(route, UriKind.Relative), body is null ? null : Json(body));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {route}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await BodyAsync(response);
    }

    static async Task<JsonElement> JobAsync(HttpClient client, Guid id)
    {
        using var response = await client.GetAsync(new Uri($"/api/jobs/{id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await BodyAsync(response);
    }

    /// <summary>Reads the job until the task shows <paramref name="status"/>, so a slow relay fails with what was awaited.</summary>
    static async Task<JsonElement> TaskWhenAsync(HttpClient client, Guid id, string taskId, string status) =>
        TaskOf(await Eventually.Until(() => JobAsync(client, id), j => TaskOf(j, taskId).GetProperty("status").GetString() == status, $"task {taskId} to be {status}"), taskId);

    static JsonElement TaskOf(JsonElement job, string taskId) =>
        job.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("taskId").GetString() == taskId);
}
